"""The delivery pipeline as product code: azure-pipelines.yml compiled the way Azure DevOps compiles it
(pipeline.py), the deploy sequence it runs (stages.py), and the federated-token refresher its steps start
(federated_token.py)."""
