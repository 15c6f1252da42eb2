package io.sluice.gateway.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActionNamesTests {

	@Test
	void eachActionIsNamedAsItsConstant() {
		assertThat(EventAction.name(EventAction.EMIT)).isEqualTo("EMIT");
		assertThat(RecordAction.name(RecordAction.NOT_SUBSCRIBED)).isEqualTo("NOT_SUBSCRIBED");
		assertThat(RpcAction.name(RpcAction.ACCEPT)).isEqualTo("ACCEPT");
		assertThat(ParserAction.name(ParserAction.INVALID_META_PARAMS)).isEqualTo("INVALID_META_PARAMS");
		assertThat(Topic.describe(Topic.PRESENCE, PresenceAction.QUERY_ALL)).isEqualTo("PRESENCE QUERY_ALL");
	}

	@Test
	void aNumberWithoutAnActionHasNoName() {
		assertThat(RpcAction.name(3)).isNull();
		assertThat(EventAction.name(99)).isNull();
		assertThat(RecordAction.name(-1)).isNull();
		assertThat(RecordAction.name(RecordAction.NOT_SUBSCRIBED + 1)).isNull();
		assertThat(Topic.describe(Topic.AUTH, 999)).isEqualTo("AUTH action 999");
	}

}
