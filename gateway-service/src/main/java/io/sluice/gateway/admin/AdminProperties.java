package io.sluice.gateway.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin page: a read-only view of the gateway for operators, behind credentials of its own. Checked when bound,
 * so that a bad value stops start-up with a message naming it.
 *
 * @param enabled whether the page and its JSON endpoint are served at all
 * @param path where the page is served; its JSON endpoint is {@code <path>/api/snapshot}
 * @param username the user name the page asks for (HTTP Basic)
 * @param password the password the page asks for (HTTP Basic); required when the page is enabled
 * @param sampleEvery one client message in how many is counted towards the busiest record and event names
 */
@ConfigurationProperties("sluice.admin")
public record AdminProperties(@DefaultValue("false") boolean enabled, @DefaultValue("/admin") String path,
		@DefaultValue("admin") String username, String password, @DefaultValue("16") int sampleEvery) {

	public AdminProperties {
		if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*") || path.contains("{")) {
			throw new IllegalArgumentException("sluice.admin.path must start with '/' and not end with one, "
					+ "without wildcards or variables (such as /admin), was '" + path + "'");
		}
		if (sampleEvery < 1) {
			throw new IllegalArgumentException("sluice.admin.sample-every must be at least 1, was " + sampleEvery);
		}
		if (enabled && (username == null || username.isBlank() || username.contains(":"))) {
			throw new IllegalArgumentException(
					"sluice.admin.username must be set, without ':', when sluice.admin.enabled=true");
		}
		if (enabled && (password == null || password.isEmpty())) {
			throw new IllegalArgumentException("sluice.admin.password must be set when sluice.admin.enabled=true: "
					+ "the admin page is served only behind its own credentials");
		}
	}

	@Override
	public String toString() {
		return "AdminProperties[enabled=" + this.enabled + ", path=" + this.path + ", username=" + this.username
				+ ", password=" + ((this.password != null) ? "(set)" : "(not set)") + ", sampleEvery="
				+ this.sampleEvery + "]";
	}

}
