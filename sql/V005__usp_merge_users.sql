-- V005: merge the staged submissions into dbo.users.
--
-- Called by the user data sync after each copy into staging.user_submissions. Per user, the
-- latest submission wins (by submitted_at, then submission_id); a blank field never erases a
-- known value. A row is only updated when the staged submission is newer than the one already
-- merged (or older than the first one seen), so running the procedure again on the same staging
-- rows, or on a re-copied file, changes nothing: retries and catch-up runs are idempotent.
-- Rows without a user_id are ignored; an unparseable submitted_at falls back to loaded_at.

CREATE OR ALTER PROCEDURE dbo.usp_merge_users
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    WITH cleaned AS (
        SELECT
            NULLIF(TRIM(s.submission_id), N'') AS submission_id,
            NULLIF(TRIM(s.user_id), N'') AS user_id,
            NULLIF(LOWER(TRIM(s.email)), N'') AS email,
            NULLIF(TRIM(s.display_name), N'') AS display_name,
            CASE WHEN LEN(TRIM(s.country_code)) = 2 THEN UPPER(TRIM(s.country_code)) END AS country_code,
            NULLIF(LOWER(TRIM(s.channel)), N'') AS channel,
            COALESCE(
                CONVERT(datetime2(3), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(3), TRIM(s.submitted_at), 127), '+00:00')),
                s.loaded_at
            ) AS submitted_at
        FROM staging.user_submissions AS s
    ),
    ranked AS (
        SELECT
            c.submission_id,
            c.user_id,
            c.email,
            c.display_name,
            c.country_code,
            c.channel,
            c.submitted_at,
            ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.submitted_at DESC, c.submission_id DESC) AS newest,
            ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.submitted_at ASC, c.submission_id ASC) AS oldest
        FROM cleaned AS c
        WHERE c.user_id IS NOT NULL AND LEN(c.user_id) <= 64
    ),
    latest AS (
        SELECT
            n.user_id,
            n.submission_id,
            n.email,
            n.display_name,
            n.country_code,
            n.channel,
            n.submitted_at,
            o.channel AS first_channel,
            o.submitted_at AS first_submitted_at
        FROM ranked AS n
        INNER JOIN ranked AS o ON o.user_id = n.user_id AND o.oldest = 1
        WHERE n.newest = 1
    )
    MERGE dbo.users WITH (HOLDLOCK) AS t
    USING latest AS s
        ON t.user_id = s.user_id
    WHEN MATCHED AND (s.submitted_at > t.last_submitted_at OR s.first_submitted_at < t.first_submitted_at) THEN
        UPDATE SET
            email = CASE WHEN s.submitted_at > t.last_submitted_at THEN COALESCE(s.email, t.email) ELSE t.email END,
            display_name = CASE
                WHEN s.submitted_at > t.last_submitted_at THEN COALESCE(s.display_name, t.display_name)
                ELSE t.display_name
            END,
            country_code = CASE
                WHEN s.submitted_at > t.last_submitted_at THEN COALESCE(s.country_code, t.country_code)
                ELSE t.country_code
            END,
            last_channel = CASE
                WHEN s.submitted_at > t.last_submitted_at THEN COALESCE(s.channel, t.last_channel)
                ELSE t.last_channel
            END,
            last_submission_id = CASE
                WHEN s.submitted_at > t.last_submitted_at THEN s.submission_id
                ELSE t.last_submission_id
            END,
            last_submitted_at = CASE
                WHEN s.submitted_at > t.last_submitted_at THEN s.submitted_at
                ELSE t.last_submitted_at
            END,
            first_channel = CASE
                WHEN s.first_submitted_at < t.first_submitted_at THEN COALESCE(s.first_channel, t.first_channel)
                ELSE t.first_channel
            END,
            first_submitted_at = CASE
                WHEN s.first_submitted_at < t.first_submitted_at THEN s.first_submitted_at
                ELSE t.first_submitted_at
            END,
            updated_at = SYSUTCDATETIME()
    WHEN NOT MATCHED BY TARGET THEN
        INSERT (
            user_id,
            email,
            display_name,
            country_code,
            first_channel,
            last_channel,
            first_submitted_at,
            last_submitted_at,
            last_submission_id
        )
        VALUES (
            s.user_id,
            s.email,
            s.display_name,
            s.country_code,
            s.first_channel,
            s.channel,
            s.first_submitted_at,
            s.submitted_at,
            s.submission_id
        );
END;
GO
