"""The diagram's views, the renderer and the committed pictures."""
