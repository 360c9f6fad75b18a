-- V004: hourly reporting table, filled by analytics.usp_aggregate_hourly (V006).
--
-- One row per hour (UTC, hour_start inclusive), emotion, source and the user's country
-- ('ZZ' when the user or their country is unknown). The key makes a double insert for the
-- same hour fail loudly instead of counting twice.

IF OBJECT_ID(N'analytics.hourly_emotion_summary', N'U') IS NULL
BEGIN
    CREATE TABLE analytics.hourly_emotion_summary (
        hour_start datetime2(0) NOT NULL,
        emotion nvarchar(16) NOT NULL,
        source nvarchar(16) NOT NULL,
        country_code char(2) NOT NULL,
        event_count int NOT NULL,
        distinct_users int NOT NULL,
        distinct_sessions int NOT NULL,
        avg_intensity decimal(6, 4) NULL,
        max_intensity decimal(4, 3) NULL,
        computed_at datetime2(3) NOT NULL CONSTRAINT DF_hourly_emotion_summary_computed_at DEFAULT (SYSUTCDATETIME()),
        CONSTRAINT PK_hourly_emotion_summary PRIMARY KEY CLUSTERED (hour_start, emotion, source, country_code)
    );
END;
GO
