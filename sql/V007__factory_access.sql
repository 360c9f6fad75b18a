-- V007: database access for the Data Factory's system-assigned managed identity.
--
-- sqlcmd variables (required; `python -m ops sql apply` fills both from the stack):
--   FactoryIdentityName  the factory's name, which is the display name of its managed identity
--                        and differs per environment, e.g. "adf-konnektmack-dev-weu-0000"
--   FactoryIdentitySid   the identity's application (client) id as a 16-byte SID literal, e.g.
--                        0x1F2E3D4C5B6A79881122334455667788 (the GUID's bytes in SQL Server's order,
--                        CAST(CAST('<client id>' AS uniqueidentifier) AS varbinary(16)))
--
-- Run as an Entra ID principal in the server's Entra admin group; in the pipeline that is the service
-- connection's service principal. CREATE USER ... FROM EXTERNAL PROVIDER, run by a service principal,
-- makes the server look the name up in Microsoft Graph with its own identity, which then needs
-- User.Read.All, GroupMember.Read.All and Application.Read.All (or Directory Readers)
-- (https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-service-principal).
-- WITH SID = <sid>, TYPE = E creates the same user without any Graph lookup; for a service principal
-- or managed identity the SID is built from its application (client) id, TYPE E = external user or
-- application, X = group (https://github.com/MicrosoftDocs/sql-docs/issues/2323, answered by Microsoft).
-- FROM EXTERNAL PROVIDER WITH OBJECT_ID = '...' still resolves through Graph, so it is no way around it
-- (https://learn.microsoft.com/azure/azure-sql/database/authentication-microsoft-entra-create-users-with-nonunique-names).
-- This script was changed in place from FROM EXTERNAL PROVIDER to WITH SID: no deployment had ever
-- applied it (every first deploy failed before it), so no journal holds the old checksum.
--
-- What the factory's pipelines need:
--   db_datareader        the nightly archive reads every table
--   db_datawriter        the user data sync copies into staging.user_submissions
--   ALTER on staging.user_submissions
--                        the copy's pre-copy script truncates that table (TRUNCATE needs ALTER)
--   EXECUTE on the two procedures the pipelines call
-- ALTER ROLE ... ADD MEMBER and GRANT are no-ops when already in place, so the script is idempotent.

IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'$(FactoryIdentityName)')
BEGIN
    CREATE USER [$(FactoryIdentityName)] WITH SID = $(FactoryIdentitySid), TYPE = E;
END;
GO

ALTER ROLE db_datareader ADD MEMBER [$(FactoryIdentityName)];
ALTER ROLE db_datawriter ADD MEMBER [$(FactoryIdentityName)];
GO

GRANT ALTER ON OBJECT::staging.user_submissions TO [$(FactoryIdentityName)];
GRANT EXECUTE ON OBJECT::dbo.usp_merge_users TO [$(FactoryIdentityName)];
GRANT EXECUTE ON OBJECT::analytics.usp_aggregate_hourly TO [$(FactoryIdentityName)];
GO
