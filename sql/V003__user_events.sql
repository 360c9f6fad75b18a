-- V003: the transactional emotional events, one row per event (UTC timestamps).
--
-- Clustered on event_time because every reader (the hourly aggregation, the nightly archive)
-- scans time ranges; event_id stays unique through a nonclustered primary key.

IF OBJECT_ID(N'dbo.user_events', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.user_events (
        event_id uniqueidentifier NOT NULL,
        user_id nvarchar(64) NOT NULL,
        session_id nvarchar(64) NOT NULL,
        event_time datetime2(3) NOT NULL,
        emotion nvarchar(16) NOT NULL,
        intensity decimal(4, 3) NOT NULL,
        source nvarchar(16) NOT NULL,
        note nvarchar(400) NULL,
        ingested_at datetime2(3) NOT NULL CONSTRAINT DF_user_events_ingested_at DEFAULT (SYSUTCDATETIME()),
        CONSTRAINT PK_user_events PRIMARY KEY NONCLUSTERED (event_id),
        CONSTRAINT CK_user_events_intensity CHECK (intensity >= 0 AND intensity <= 1)
    );
END;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'CIX_user_events_event_time' AND object_id = OBJECT_ID(N'dbo.user_events')
)
BEGIN
    CREATE CLUSTERED INDEX CIX_user_events_event_time ON dbo.user_events (event_time);
END;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_user_events_user_id_event_time' AND object_id = OBJECT_ID(N'dbo.user_events')
)
BEGIN
    CREATE NONCLUSTERED INDEX IX_user_events_user_id_event_time
        ON dbo.user_events (user_id, event_time) INCLUDE (emotion, intensity);
END;
GO
