package io.sluice.gateway.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NettyDefaultsTests {

	private String before;

	@BeforeEach
	void remember() {
		this.before = System.getProperty(NettyDefaults.RECYCLER_CAPACITY);
	}

	@AfterEach
	void restore() {
		if (this.before == null) {
			System.clearProperty(NettyDefaults.RECYCLER_CAPACITY);
		}
		else {
			System.setProperty(NettyDefaults.RECYCLER_CAPACITY, this.before);
		}
	}

	@Test
	void theRecyclerIsTurnedOffWhenNotConfigured() {
		System.clearProperty(NettyDefaults.RECYCLER_CAPACITY);
		NettyDefaults.apply();
		assertThat(System.getProperty(NettyDefaults.RECYCLER_CAPACITY)).isEqualTo("0");
	}

	@Test
	void aValueGivenToTheJvmStays() {
		System.setProperty(NettyDefaults.RECYCLER_CAPACITY, "4096");
		NettyDefaults.apply();
		assertThat(System.getProperty(NettyDefaults.RECYCLER_CAPACITY)).isEqualTo("4096");
	}

}
