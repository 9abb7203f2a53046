-- The extension loads and answers with its own version.
SELECT benchlab.version() = extversion AS version_matches
  FROM pg_extension WHERE extname = 'benchlab';
