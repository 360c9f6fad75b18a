"""The Azure DevOps pipeline (azure-pipelines.yml and .azure-pipelines/), compiled and checked offline.

The pipeline cannot run here, so `pipeline` compiles it the way Azure DevOps does before a run, `reading`
reads the result, and each `checks_*` function returns the problems it finds. `mutations` breaks a compiled
copy in one way at a time, so the tests can show that every check notices what it guards.
"""
