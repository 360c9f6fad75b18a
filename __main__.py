"""Entry point: read and validate the stack config and ADF content, build the platform, export what operators need.

Everything that can be wrong with the input is checked before the first resource is registered.
"""

import pulumi

from adf import load as adf_load
from components.data_platform import DataPlatform, DataPlatformArgs
from preview.schema import check_inputs
from stack.config import load_config
from stack.naming import build_names
from stack.paths import PIPELINES_FOLDER, program_dir

stack_file = f"Pulumi.{pulumi.get_stack()}.yaml"
config = load_config()
names = build_names(config, pulumi.get_stack(), stack_file)
# The provider-schema check routes each ADF item: typed where azure-native represents it exactly, else an ARM
# deployment of its JSON (adf/lossless.py); the same check `ops plan` and `ops adf check` run.
content = adf_load.load(program_dir() / PIPELINES_FOLDER, stack=pulumi.get_stack(), typed_check=check_inputs)
enabled_triggers = adf_load.enabled_triggers(config.data_factory, content, stack_file)
platform = DataPlatform("platform", DataPlatformArgs(config, names, content))

pulumi.export("environment", config.environment)
pulumi.export("subscription_id", platform.subscription_id)
pulumi.export("resource_group_name", platform.resource_group_name)
pulumi.export("storage_account_name", platform.storage_account_name)
pulumi.export("key_vault_uri", platform.key_vault_uri)
pulumi.export("function_app_name", platform.function_app_name)
pulumi.export("factory_name", platform.factory_name)
pulumi.export("sql_server_fqdn", platform.sql_server_fqdn)
pulumi.export("sql_database_name", platform.sql_database_name)
pulumi.export("enabled_triggers", enabled_triggers)
