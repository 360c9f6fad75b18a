-- V007: database access for the Data Factory's system-assigned managed identity.
--
-- sqlcmd variable (required):
--   FactoryIdentityName  the factory's name, which is the display name of its managed identity
--                        and differs per environment, e.g.
--                        sqlcmd ... -v FactoryIdentityName="adf-konnektmack-dev-weu-0000"
--
-- Run as an Entra ID principal (the server's Entra admin group). CREATE USER ... FROM EXTERNAL
-- PROVIDER looks the name up in Entra ID, so the server's identity needs directory read access.
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
    CREATE USER [$(FactoryIdentityName)] FROM EXTERNAL PROVIDER;
END;
GO

ALTER ROLE db_datareader ADD MEMBER [$(FactoryIdentityName)];
ALTER ROLE db_datawriter ADD MEMBER [$(FactoryIdentityName)];
GO

GRANT ALTER ON OBJECT::staging.user_submissions TO [$(FactoryIdentityName)];
GRANT EXECUTE ON OBJECT::dbo.usp_merge_users TO [$(FactoryIdentityName)];
GRANT EXECUTE ON OBJECT::analytics.usp_aggregate_hourly TO [$(FactoryIdentityName)];
GO
