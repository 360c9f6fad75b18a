-- V006: hourly aggregation of dbo.user_events into analytics.hourly_emotion_summary.
--
-- Called by the reporting pipeline with the tumbling window it runs for
-- (@WindowStart inclusive, @WindowEnd exclusive, UTC). The window is widened to whole hours,
-- then the hours it covers are deleted and recomputed in one transaction, so a retry, a
-- backfill or a manual re-run of any window replaces its rows instead of adding to them.
-- Events are joined to dbo.users for the country; unknown users count under 'ZZ'.

CREATE OR ALTER PROCEDURE analytics.usp_aggregate_hourly
    @WindowStart datetime2(3),
    @WindowEnd datetime2(3)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    IF @WindowStart IS NULL OR @WindowEnd IS NULL OR @WindowEnd <= @WindowStart
    BEGIN
        RAISERROR (N'analytics.usp_aggregate_hourly: @WindowEnd must be later than @WindowStart', 16, 1);
        RETURN;
    END;

    DECLARE @From datetime2(3) = DATETRUNC(hour, @WindowStart);
    DECLARE @To datetime2(3) = CASE
        WHEN DATETRUNC(hour, @WindowEnd) = @WindowEnd THEN @WindowEnd
        ELSE DATEADD(hour, 1, DATETRUNC(hour, @WindowEnd))
    END;

    BEGIN TRANSACTION;

    DELETE FROM analytics.hourly_emotion_summary
    WHERE hour_start >= @From AND hour_start < @To;

    INSERT INTO analytics.hourly_emotion_summary (
        hour_start,
        emotion,
        source,
        country_code,
        event_count,
        distinct_users,
        distinct_sessions,
        avg_intensity,
        max_intensity
    )
    SELECT
        DATETRUNC(hour, e.event_time) AS hour_start,
        e.emotion,
        e.source,
        COALESCE(u.country_code, 'ZZ') AS country_code,
        COUNT(*) AS event_count,
        COUNT(DISTINCT e.user_id) AS distinct_users,
        COUNT(DISTINCT e.session_id) AS distinct_sessions,
        CAST(AVG(CAST(e.intensity AS decimal(9, 6))) AS decimal(6, 4)) AS avg_intensity,
        MAX(e.intensity) AS max_intensity
    FROM dbo.user_events AS e
    LEFT JOIN dbo.users AS u ON u.user_id = e.user_id
    WHERE e.event_time >= @From AND e.event_time < @To
    GROUP BY DATETRUNC(hour, e.event_time), e.emotion, e.source, COALESCE(u.country_code, 'ZZ');

    COMMIT TRANSACTION;
END;
GO
