-- V002: user master data and the staging table the user data sync copies submissions into.
--
-- staging.user_submissions receives the JSON submissions (API and form) exactly as they arrive:
-- every column is text, so a malformed value never fails the copy. dbo.usp_merge_users (V005)
-- validates and converts them while merging into dbo.users. The copy truncates this table first.

IF OBJECT_ID(N'staging.user_submissions', N'U') IS NULL
BEGIN
    CREATE TABLE staging.user_submissions (
        submission_id nvarchar(64) NULL,
        user_id nvarchar(64) NULL,
        email nvarchar(320) NULL,
        display_name nvarchar(200) NULL,
        country_code nvarchar(8) NULL,
        channel nvarchar(16) NULL,
        submitted_at nvarchar(40) NULL,
        loaded_at datetime2(3) NOT NULL CONSTRAINT DF_user_submissions_loaded_at DEFAULT (SYSUTCDATETIME())
    );
END;
GO

-- One row per user; user_id is the business key shared with dbo.user_events.
-- All timestamps are UTC.
IF OBJECT_ID(N'dbo.users', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.users (
        user_key bigint IDENTITY(1, 1) NOT NULL,
        user_id nvarchar(64) NOT NULL,
        email nvarchar(320) NULL,
        display_name nvarchar(200) NULL,
        country_code char(2) NULL,
        first_channel nvarchar(16) NULL,
        last_channel nvarchar(16) NULL,
        first_submitted_at datetime2(3) NOT NULL,
        last_submitted_at datetime2(3) NOT NULL,
        last_submission_id nvarchar(64) NULL,
        created_at datetime2(3) NOT NULL CONSTRAINT DF_users_created_at DEFAULT (SYSUTCDATETIME()),
        updated_at datetime2(3) NOT NULL CONSTRAINT DF_users_updated_at DEFAULT (SYSUTCDATETIME()),
        CONSTRAINT PK_users PRIMARY KEY CLUSTERED (user_key),
        CONSTRAINT UQ_users_user_id UNIQUE NONCLUSTERED (user_id)
    );
END;
GO
