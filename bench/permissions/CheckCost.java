import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.sluice.gateway.permission.PermissionAction;
import io.sluice.gateway.permission.PermissionFile;
import io.sluice.gateway.permission.PermissionRules;
import io.sluice.gateway.permission.Payload;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.permission.RuleDecision;

/**
 * The CPU time of one {@code Permissions.check} of the bench's event publish and RPC request (bench/permissions/complex.yml,
 * one connection, one name, data {@code {"t":<n>,"p":"<16 x>"}} made fresh for each check), taken in thread CPU time so
 * that a loaded machine inflates it less than wall time. Runs against a server jar's own classes, so that two builds
 * compare with the same harness:
 *
 * <pre>
 * mkdir lib &amp;&amp; (cd lib &amp;&amp; unzip -q SERVER.jar 'BOOT-INF/lib/*')
 * CP=$(ls lib/BOOT-INF/lib/*.jar | tr '\n' ':')
 * javac -cp "$CP" -d classes bench/permissions/CheckCost.java
 * java -Xms512m -Xmx512m -XX:+UseParallelGC -cp "classes:$CP" CheckCost bench/permissions/complex.yml 5
 * </pre>
 *
 * Prints the best of the rounds (2,000,000 checks each), and the cost of making the data alone, which each figure
 * includes.
 */
public class CheckCost {
	public static void main(String[] args) throws Exception {
		PermissionRules rules = PermissionFile.parse(Files.readString(Path.of(args[0])), false);
		Permissions permissions = new Permissions(() -> rules, null, 3, Clock.systemUTC());
		String id = UUID.randomUUID().toString();
		Permissions.Subject subject = new Permissions.Subject(UUID.randomUUID().toString(), null);
		StringBuilder pad = new StringBuilder();
		for (int i = 0; i < 16; i++) pad.append('x');
		int rounds = Integer.parseInt(args[1]);
		for (String kind : new String[] { "event", "rpc" }) {
			PermissionAction action = kind.equals("event") ? PermissionAction.EVENT_PUBLISH : PermissionAction.RPC_REQUEST;
			String name = "bench/" + kind + "/" + id;
			long best = Long.MAX_VALUE;
			for (int r = 0; r < rounds; r++) {
				int n = 2_000_000;
				long start = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
				int allowed = 0;
				for (int i = 0; i < n; i++) {
					byte[] data = ("{\"t\":" + (1733551200123456789L + i) + ",\"p\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
					Object d = ((Callable<?>) permissions.check(subject, action, kind.equals("event") ? "EMIT" : "REQUEST", name, Payload.whole(data))).call();
					if (((RuleDecision) d).allowed()) allowed++;
				}
				long ns = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start) / n;
				if (allowed != n) throw new IllegalStateException("denied " + (n - allowed));
				best = Math.min(best, ns);
			}
			System.out.println(kind + " best CPU ns/check (incl. building the data bytes): " + best);
		}
		// the building of data bytes alone
		long best = Long.MAX_VALUE;
		for (int r = 0; r < rounds; r++) {
			int n = 2_000_000; long start = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); long sum = 0;
			for (int i = 0; i < n; i++) sum += ("{\"t\":" + (1733551200123456789L + i) + ",\"p\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8).length;
			best = Math.min(best, (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start) / n); if (sum == 0) System.out.println();
		}
		System.out.println("data bytes alone CPU ns: " + best);
	}
}
