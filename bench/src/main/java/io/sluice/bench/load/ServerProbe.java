package io.sluice.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * Reads a local server JVM's memory the cheap way: its platform MBeans over the local management agent, which the
 * Attach API starts in it (no JVM option needed, nothing listening on a port), and its RSS, CPU and open file
 * descriptors from {@code /proc}. The JVM must run as the same user.
 */
final class ServerProbe implements AutoCloseable {

	private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

	private final long pid;

	private final JMXConnector connector;

	private final MBeanServerConnection mbeans;

	private final MemoryMXBean memory;

	private final ThreadMXBean threads;

	ServerProbe(long pid) throws Exception {
		this.pid = pid;
		VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
		String address;
		try {
			address = vm.startLocalManagementAgent();
		}
		finally {
			vm.detach();
		}
		this.connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
		this.mbeans = this.connector.getMBeanServerConnection();
		this.memory = ManagementFactory.newPlatformMXBeanProxy(this.mbeans, ManagementFactory.MEMORY_MXBEAN_NAME,
				MemoryMXBean.class);
		this.threads = ManagementFactory.newPlatformMXBeanProxy(this.mbeans, ManagementFactory.THREAD_MXBEAN_NAME,
				ThreadMXBean.class);
	}

	/** Heap in use right now, in bytes (garbage included). */
	long heapUsed() {
		return this.memory.getHeapMemoryUsage().getUsed();
	}

	/** Runs a full collection in the server ({@code System.gc()}) and returns the heap in use after it, in bytes. */
	long heapUsedAfterFullGc() {
		this.memory.gc();
		return heapUsed();
	}

	long nonHeapUsed() {
		return this.memory.getNonHeapMemoryUsage().getUsed();
	}

	int threadCount() {
		return this.threads.getThreadCount();
	}

	long rssKib() {
		return ProcessSampler.rssKib(this.pid);
	}

	/** The anonymous part of the RSS, without mapped files, in KiB. */
	long rssAnonKib() {
		return ProcessSampler.rssAnonKib(this.pid);
	}

	long cpuTicks() {
		return ProcessSampler.cpuTicks(this.pid);
	}

	/** Open file descriptors of the server (sockets included); -1 if unreadable. */
	long openFiles() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/" + this.pid + "/fd"))) {
			return fds.count();
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** The server's {@code GC.class_histogram} (live objects: it runs a full collection first). */
	String classHistogram() throws Exception {
		return (String) this.mbeans.invoke(new ObjectName(DIAGNOSTIC_COMMAND), "gcClassHistogram",
				new Object[] { new String[0] }, new String[] { String[].class.getName() });
	}

	@Override
	public void close() throws IOException {
		this.connector.close();
	}

}
