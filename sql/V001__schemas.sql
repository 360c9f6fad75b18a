-- V001: schemas for the factory's staging tables and the reporting tables.
-- dbo keeps the transactional tables. CREATE SCHEMA must be alone in its batch, so it runs as
-- dynamic SQL behind an existence check; re-running the script changes nothing.

IF SCHEMA_ID(N'staging') IS NULL
BEGIN
    EXEC sp_executesql N'CREATE SCHEMA staging AUTHORIZATION dbo';
END;
GO

IF SCHEMA_ID(N'analytics') IS NULL
BEGIN
    EXEC sp_executesql N'CREATE SCHEMA analytics AUTHORIZATION dbo';
END;
GO
