package io.sluice.connector.sql;

/**
 * R2DBC URLs for the embedded database.
 */
public final class SqlUrls {

	private SqlUrls() {
	}

	/**
	 * The URL of an H2 database in the file {@code path} (without the {@code .mv.db} suffix; relative to the
	 * working directory unless absolute or starting with {@code ~}), with commits written to the file before they
	 * return ({@code WRITE_DELAY=0}), so an acknowledged write survives a crash of the process. H2 applies the
	 * setting each time it opens the file only when the URL carries it (a {@code SET WRITE_DELAY} is forgotten
	 * when the database is closed and opened again), so it belongs in the URL.
	 */
	public static String h2File(String path) {
		// The driver takes what follows "file:///" as H2's path: an absolute path keeps its slash, and a relative
		// one needs "./" because H2 refuses paths that are only implicitly relative.
		boolean explicit = path.startsWith("/") || path.startsWith("./") || path.startsWith("../")
				|| path.startsWith("~");
		return "r2dbc:h2:file:///" + (explicit ? path : "./" + path) + "?options=" + H2_DURABLE_COMMITS;
	}

	/** The H2 setting, as a URL option, that writes each commit to the file before the commit returns. */
	public static final String H2_DURABLE_COMMITS = "WRITE_DELAY=0";

}
