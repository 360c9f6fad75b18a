"""Entry point: read and validate the stack config, build the platform, export what operators need."""

import pulumi

from components.config import load_config
from components.data_platform import DataPlatform
from components.naming import build_names

config = load_config()
names = build_names(config)
platform = DataPlatform("platform", config, names)

pulumi.export("environment", config.environment)
pulumi.export("resource_group_name", platform.resource_group_name)
pulumi.export("storage_account_name", platform.storage_account_name)
pulumi.export("key_vault_uri", platform.key_vault_uri)
pulumi.export("function_app_name", platform.function_app_name)
pulumi.export("factory_name", platform.factory_name)
pulumi.export("sql_server_fqdn", platform.sql_server_fqdn)
pulumi.export("sql_database_name", platform.sql_database_name)
