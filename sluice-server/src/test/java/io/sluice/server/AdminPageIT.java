package io.sluice.server;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin page of a Sluice server in a child JVM, in a real headless Chromium driven by Selenium: the page loads
 * behind its credentials, its chart's rate rises while WebSocket clients emit events and write a record, the busiest
 * names are the ones used, the RPC provider and the listener are listed, and the browser's console stays free of errors. The screenshot it takes is saved as
 * {@code target/admin-page/admin.png} ({@code docs/images/admin.png} is a copy). Skipped, loudly, where Debian's
 * {@code chromium} and {@code chromedriver} are absent: the test installs nothing.
 */
class AdminPageIT {

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path OUTPUT = MODULE_DIR.resolve("target/admin-page");

	private static final Path CHROMIUM = Path.of(System.getProperty("sluice.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path.of(System.getProperty("sluice.chromedriver", "/usr/bin/chromedriver"));

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);

	private static final String USER = "operator";

	private static final String PASSWORD = "admin-page-it-" + UUID.randomUUID();

	private ServerProcess server;

	private WebDriver browser;

	private final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() {
		this.load.shutdownNow();
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void pageShowsTheRateRisingAndTheBusiestEventWhileALoadRuns(@TempDir Path dataDir) throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				() -> loudly("AdminPageIT is SKIPPED: it needs Debian's chromium and chromedriver (" + CHROMIUM + ", "
						+ CHROMEDRIVER + "; apt-get install chromium chromium-driver)"));
		String prefix = "admin-it/" + UUID.randomUUID().toString().substring(0, 8);
		String event = prefix + "/ticks";
		String record = prefix + "/counter";
		this.server = ServerProcess.start(ServerProcess.freePort(), OUTPUT.resolve("server.log"), STARTUP_TIMEOUT,
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(), "--sluice.admin.enabled=true",
						"--sluice.admin.username=" + USER, "--sluice.admin.password=" + PASSWORD,
						"--sluice.admin.sample-every=4"));
		try {
			this.browser = chromium();
			URI page = URI.create(this.server.webSocketUrl().replace("ws://", "http://" + USER + ":" + PASSWORD + "@"))
				.resolve("/admin/");
			this.browser.get(page.toString());
			await("the page shows its first snapshots").atMost(PAGE_TIMEOUT)
				.untilAsserted(() -> assertThat(text("status")).startsWith("updated"));
			double idle = rate("rate-in");

			String url = this.server.webSocketUrl();
			try (Client emitter = Client.loggedIn(url, "emitter"); Client subscriber = Client.loggedIn(url, "reader");
					Client provider = Client.loggedIn(url, "provider")) {
				subscriber.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(event))
					.correlationId("1").build());
				provider.send(Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of(prefix + "/echo"))
					.correlationId("2").build());
				provider.send(Message.builder(Topic.EVENT, EventAction.LISTEN).name(prefix + "/.*")
					.correlationId("3").build());
				AtomicInteger ticks = new AtomicInteger();
				this.load.scheduleAtFixedRate(() -> {
					int tick = ticks.incrementAndGet();
					emitter.send(Message.builder(Topic.EVENT, EventAction.EMIT).name(event).data("{\"tick\":" + tick
							+ "}").build());
					if (tick % 10 == 0) {
						emitter.send(Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name(record)
							.version(-1).data("{\"tick\":" + tick + "}").build());
					}
				}, 0, 2, TimeUnit.MILLISECONDS);
				await("the rates of messages in and out rise above " + idle).atMost(PAGE_TIMEOUT).untilAsserted(() -> {
					assertThat(rate("rate-in")).isGreaterThan(Math.max(idle, 50));
					assertThat(rate("rate-out")).isGreaterThan(50);
				});
				await("the busiest names, the RPC providers and the listeners are shown").atMost(PAGE_TIMEOUT)
					.untilAsserted(() -> {
						assertThat(text("busiest-events")).contains(event);
						assertThat(text("busiest-records")).contains(record);
						assertThat(text("rpc")).contains(prefix + "/echo");
						assertThat(text("listeners")).contains(prefix + "/.*");
					});
				// Some history on the chart before the picture is taken.
				await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
				assertThat(this.browser.findElement(By.id("nodes")).getText()).contains("(this node)");
				screenshot();
			}
			List<String> errors = this.browser.manage()
				.logs()
				.get(LogType.BROWSER)
				.getAll()
				.stream()
				.filter((entry) -> entry.getLevel().intValue() >= Level.WARNING.intValue())
				.map(LogEntry::toString)
				.toList();
			assertThat(errors).as("the browser console's warnings and errors").isEmpty();
		}
		catch (AssertionError | Exception failure) {
			failure.addSuppressed(new AssertionError("Server output:\n" + this.server.tail(60)));
			throw failure;
		}
	}

	private WebDriver chromium() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1280,1100", "--force-device-scale-factor=1");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(OUTPUT.resolve("chromedriver.log").toFile())
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().window().setSize(new Dimension(1280, 1100));
		return driver;
	}

	private String text(String id) {
		return this.browser.findElement(By.id(id)).getText();
	}

	private double rate(String id) {
		return Double.parseDouble(this.browser.findElement(By.id(id)).getDomAttribute("data-value"));
	}

	private void screenshot() throws IOException {
		File taken = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE);
		Files.createDirectories(OUTPUT);
		Files.copy(taken.toPath(), OUTPUT.resolve("admin.png"), StandardCopyOption.REPLACE_EXISTING);
	}

	private static String loudly(String message) {
		System.err.println("!!! " + message + " !!!");
		return message;
	}

	/** A deepstream client over the JDK's WebSocket, logged in (open authentication). */
	private static final class Client implements WebSocket.Listener, AutoCloseable {

		private final CompletableFuture<Message> login = new CompletableFuture<>();

		private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

		private WebSocket socket;

		static Client loggedIn(String url, String username) throws Exception {
			Client client = new Client();
			client.socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.buildAsync(URI.create(url), client)
				.get(10, TimeUnit.SECONDS);
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url(url).build());
			client.send(Message.builder(Topic.AUTH, AuthAction.REQUEST)
				.data("{\"username\":\"" + username + "\"}")
				.build());
			assertThat(client.login.get(10, TimeUnit.SECONDS).action()).as("the answer to the login")
				.isEqualTo(AuthAction.AUTH_SUCCESSFUL);
			return client;
		}

		synchronized void send(Message message) {
			try {
				this.socket.sendBinary(ByteBuffer.wrap(MessageCodec.encode(message)), true).get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not send " + message, ex);
			}
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.partial.writeBytes(bytes);
			if (last) {
				Message message = MessageCodec.decode(this.partial.toByteArray());
				this.partial.reset();
				if (message.topic() == Topic.AUTH) {
					this.login.complete(message);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public void close() {
			this.socket.abort();
		}

	}

}
