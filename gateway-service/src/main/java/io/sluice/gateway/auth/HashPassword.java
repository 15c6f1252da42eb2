package io.sluice.gateway.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints the hash of a password for a users file ({@code sluice.auth.file.path}), as {@code deepstream hash} does:
 * <pre>
 * java -cp sluice-server/target/sluice/sluice.jar io.sluice.gateway.auth.HashPassword [--hash=md5]
 *     [--iterations=100] [--key-length=32] [password]
 * </pre>
 * The settings must be those the server runs with ({@code sluice.auth.file.hash}, {@code iterations},
 * {@code key-length}; the defaults are theirs). Without a password argument it is read from the terminal without
 * echo, or from the first line of standard input, which keeps it out of the shell's history.
 */
public final class HashPassword {

	private HashPassword() {
	}

	public static void main(String[] args) throws IOException {
		System.exit(run(args, System.out, System.err));
	}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		String algorithm = "md5";
		int iterations = 100;
		int keyLength = 32;
		String password = null;
		try {
			for (String arg : args) {
				if (arg.startsWith("--hash=")) {
					algorithm = arg.substring("--hash=".length());
				}
				else if (arg.startsWith("--iterations=")) {
					iterations = Integer.parseInt(arg.substring("--iterations=".length()));
				}
				else if (arg.startsWith("--key-length=")) {
					keyLength = Integer.parseInt(arg.substring("--key-length=".length()));
				}
				else if (arg.startsWith("--") || password != null) {
					err.println("Unknown argument '" + arg + "'");
					return usage(err);
				}
				else {
					password = arg;
				}
			}
			PasswordHash hash = new PasswordHash(algorithm, iterations, keyLength);
			if (password == null) {
				password = readPassword();
			}
			if (password == null) {
				err.println("No password given");
				return usage(err);
			}
			out.println(hash.hash(password));
			return 0;
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return usage(err);
		}
	}

	private static String readPassword() throws IOException {
		Console console = System.console();
		if (console != null) {
			char[] typed = console.readPassword("Password: ");
			return (typed != null) ? new String(typed) : null;
		}
		return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
	}

	private static int usage(PrintStream err) {
		err.println("Usage: HashPassword [--hash=md5] [--iterations=100] [--key-length=32] [password]");
		return 2;
	}

}
