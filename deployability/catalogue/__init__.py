"""The deployability catalogue, one module per area; `deployability.rules` puts the rules in order."""
