-- The extension loads and answers with its own version: the one benchlab.control
-- declares (default_version), which the library was built with and the SQL script
-- was installed under. No version literal here: it is written once, in the control file.
SELECT benchlab.version() = e.extversion AS version_matches,
       e.extversion = a.default_version AS installed_default_version
  FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
 WHERE e.extname = 'benchlab';
