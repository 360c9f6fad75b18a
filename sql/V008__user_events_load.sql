-- V008: loading the cleansed silver events into dbo.user_events.
--
-- PL_Events_SilverToSql copies one hour of silver Parquet (silver/events/yyyy/MM/dd/HH/) into
-- staging.user_events, then calls dbo.usp_merge_user_events. Staging columns are typed like the
-- data flow's output (DF_Events_BronzeToSilver already validated and de-duplicated each batch);
-- the copy truncates the table first, and the pipeline runs one window at a time.
--
-- The merge is keyed on event_id: an event already loaded is updated only when silver holds a newer
-- version of it (a re-processed batch has a later ingested_at), a new one is inserted. Re-running a
-- window, a retry or a backfill therefore never duplicates events.
--
-- sqlcmd variable FactoryIdentityName (see V007): the factory's database user, granted ALTER on the
-- staging table (the copy's TRUNCATE needs it) and EXECUTE on the procedure.

IF OBJECT_ID(N'staging.user_events', N'U') IS NULL
BEGIN
    CREATE TABLE staging.user_events (
        event_id nvarchar(64) NULL,
        user_id nvarchar(64) NULL,
        session_id nvarchar(64) NULL,
        event_time datetime2(3) NULL,
        emotion nvarchar(16) NULL,
        intensity decimal(4, 3) NULL,
        source nvarchar(16) NULL,
        note nvarchar(400) NULL,
        ingested_at datetime2(3) NULL
    );
END;
GO

CREATE OR ALTER PROCEDURE dbo.usp_merge_user_events
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    WITH staged AS (
        SELECT
            TRY_CONVERT(uniqueidentifier, s.event_id) AS event_id,
            s.user_id,
            s.session_id,
            s.event_time,
            s.emotion,
            s.intensity,
            s.source,
            s.note,
            COALESCE(s.ingested_at, SYSUTCDATETIME()) AS ingested_at,
            ROW_NUMBER() OVER (PARTITION BY s.event_id ORDER BY s.ingested_at DESC) AS newest
        FROM staging.user_events AS s
        WHERE s.user_id IS NOT NULL
            AND s.session_id IS NOT NULL
            AND s.event_time IS NOT NULL
            AND s.emotion IS NOT NULL
            AND s.intensity BETWEEN 0 AND 1
            AND s.source IS NOT NULL
    )
    MERGE dbo.user_events WITH (HOLDLOCK) AS t
    USING (SELECT * FROM staged WHERE event_id IS NOT NULL AND newest = 1) AS s
        ON t.event_id = s.event_id
    WHEN MATCHED AND s.ingested_at > t.ingested_at THEN
        UPDATE SET
            user_id = s.user_id,
            session_id = s.session_id,
            event_time = s.event_time,
            emotion = s.emotion,
            intensity = s.intensity,
            source = s.source,
            note = s.note,
            ingested_at = s.ingested_at
    WHEN NOT MATCHED BY TARGET THEN
        INSERT (event_id, user_id, session_id, event_time, emotion, intensity, source, note, ingested_at)
        VALUES (s.event_id, s.user_id, s.session_id, s.event_time, s.emotion, s.intensity, s.source, s.note,
            s.ingested_at);
END;
GO

GRANT ALTER ON OBJECT::staging.user_events TO [$(FactoryIdentityName)];
GRANT EXECUTE ON OBJECT::dbo.usp_merge_user_events TO [$(FactoryIdentityName)];
GO
