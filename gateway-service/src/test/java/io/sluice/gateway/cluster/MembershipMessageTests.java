package io.sluice.gateway.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MembershipMessageTests {

	@Test
	void eachMessageIsItsFormatVersionThenItsKind() {
		assertThat(MembershipMessage.HELLO.encode()).containsExactly(1, 1);
		assertThat(MembershipMessage.HEARTBEAT.encode()).containsExactly(1, 2);
		assertThat(MembershipMessage.LEAVE.encode()).containsExactly(1, 3);
	}

	@Test
	void whatIsEncodedDecodesToTheSameMessage() {
		for (MembershipMessage message : MembershipMessage.values()) {
			assertThat(MembershipMessage.decode(message.encode())).isSameAs(message);
		}
	}

	@Test
	void anotherFormatIsRefusedNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipMessage.decode(new byte[] { 2, 1 }))
			.withMessage("membership message format 2 is not this node's (1)");
	}

	@Test
	void anUnknownKindOrLengthIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipMessage.decode(new byte[] { 1, 9 }))
			.withMessage("unknown membership message kind 9");
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipMessage.decode(new byte[] { 1 }))
			.withMessage("a membership message is 2 bytes, this one 1");
	}

}
