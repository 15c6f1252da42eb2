package io.sluice.connector.sql;

/**
 * R2DBC URLs for the embedded database.
 */
public final class SqlUrls {

	private SqlUrls() {
	}

	/**
	 * The URL of an H2 database in the file {@code path} (without the {@code .mv.db} suffix, relative to the
	 * working directory unless absolute), with commits written to the file before they return
	 * ({@code WRITE_DELAY=0}), so an acknowledged write survives a crash of the process.
	 */
	public static String h2File(String path) {
		String file = path.startsWith("/") ? path : "/" + path;
		return "r2dbc:h2:file://" + file + "?options=WRITE_DELAY=0";
	}

}
