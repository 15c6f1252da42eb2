package io.sluice.gateway.http.deepstream;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JIF schema's checks and reasons. The expected reasons are what deepstream 7.0.2's own JIF handler answers for
 * the same commands (its {@code fromJIF}, run under Node on each input).
 */
class JifParserTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
			5                                                          | property '' should be object
			"x"                                                        | property '' should be object
			null                                                       | property '' should be object
			[]                                                         | property '' should be object
			{}                                                         | property 'topic' is required for topic 'undefined'
			{"action":"emit"}                                          | property 'topic' is required for topic 'undefined'
			{"topic":"event"}                                          | property 'action' is required for topic 'event'
			{"data":1,"topic":"event"}                                 | property 'action' is required for topic 'event'
			{"topic":"event","action":"emit"}                          | property 'eventName' is required for topic 'event'
			{"topic":"event","action":"emit","eventName":""}           | property '.eventName' should NOT be shorter than 1 characters
			{"topic":"event","action":"emit","eventName":5}            | property '.eventName' should be string
			{"topic":"event","action":"emit","eventName":null}         | property '.eventName' should be string
			{"topic":"event","action":"emit","eventName":"e","x":1}    | NONE
			{"topic":"event","action":"emit","eventName":"","zzz":1}   | NONE
			{"topic":"event","action":"foo","eventName":"e"}           | NONE
			{"topic":"foo","action":"bar"}                             | NONE
			{"topic":"foo"}                                            | NONE
			{"topic":5}                                                | NONE
			{"zzz":1}                                                  | NONE
			{"eventName":5,"topic":"x","action":"y"}                   | NONE
			{"topic":"record","action":"read"}                         | NONE
			{"topic":"record","action":"read","recordName":""}         | NONE
			{"topic":"record","action":"write","recordName":"r"}       | NONE
			{"topic":"record","action":"write","recordName":"r","data":5} | NONE
			{"topic":"record","action":"write","recordName":"r","data":{},"version":-2} | NONE
			{"topic":"record","action":"write","recordName":"r","data":{},"version":1.5} | NONE
			{"topic":"record","action":"write","recordName":"r","data":{},"version":"1"} | NONE
			{"topic":"record","action":"write","recordName":"r","data":{},"version":37777777777777777777777} | NONE
			{"topic":"record","action":"write","recordName":"r","data":{},"version":1e20} | NONE
			{"topic":"record","action":"write","recordName":"r","data":5,"path":5} | NONE
			{"topic":"rpc","action":"make"}                            | NONE
			{"topic":"presence","action":"query","names":"x"}          | NONE
			{"topic":"presence","action":"query","names":[1]}          | NONE
			{"topic":"list","action":"write","listName":"l","data":[1]} | NONE
			""")
	void refusesWhatDeepstreamRefusesWithItsReason(String jif, String reason) {
		JifParser.Parsed parsed = JifParser.parse(JSON.readTree(jif));
		assertThat(parsed.valid()).isFalse();
		assertThat(parsed.reason()).isEqualTo(reason);
	}

	@Test
	void readsEachCommandDeepstreamAccepts() {
		assertThat(parse("{\"topic\":\"event\",\"action\":\"emit\",\"eventName\":\"e\",\"data\":{\"a\":1}}"))
			.isEqualTo(new JifCommand.Emit("e", JSON.readTree("{\"a\":1}")));
		assertThat(parse("{\"topic\":\"event\",\"action\":\"emit\",\"eventName\":\"e\"}"))
			.isEqualTo(new JifCommand.Emit("e", null));
		assertThat(parse("{\"topic\":\"rpc\",\"action\":\"make\",\"rpcName\":\"p\",\"data\":3}"))
			.isEqualTo(new JifCommand.Make("p", JSON.readTree("3")));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"read\",\"recordName\":\"r\"}"))
			.isEqualTo(new JifCommand.Read("r"));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"head\",\"recordName\":\"r\"}"))
			.isEqualTo(new JifCommand.Head("r"));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"delete\",\"recordName\":\"r\"}"))
			.isEqualTo(new JifCommand.Delete("r"));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":[],\"version\":3}"))
			.isEqualTo(new JifCommand.Write("r", 3L, null, JSON.readTree("[]"), null));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":5,\"path\":\"a.b\"}"))
			.isEqualTo(new JifCommand.Write("r", null, "a.b", JSON.readTree("5"), null));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"notify\",\"recordNames\":[\"a\",\"b\"]}"))
			.isEqualTo(new JifCommand.Notify(List.of("a", "b")));
		assertThat(parse("{\"topic\":\"list\",\"action\":\"read\",\"listName\":\"l\"}"))
			.isEqualTo(new JifCommand.Read("l"));
		assertThat(parse("{\"topic\":\"list\",\"action\":\"delete\",\"listName\":\"l\"}"))
			.isEqualTo(new JifCommand.Delete("l"));
		assertThat(parse("{\"topic\":\"list\",\"action\":\"write\",\"listName\":\"l\",\"data\":[\"a\"]}"))
			.isEqualTo(new JifCommand.Write("l", null, null, JSON.readTree("[\"a\"]"), null));
		assertThat(parse("{\"topic\":\"presence\",\"action\":\"query\"}")).isEqualTo(new JifCommand.Presence(null));
		assertThat(parse("{\"topic\":\"presence\",\"action\":\"query\",\"names\":[]}"))
			.isEqualTo(new JifCommand.Presence(List.of()));
	}

	@Test
	void writesTakeATimeToLiveAndABadOneIsRefusedWithItsReason() {
		assertThat(parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":{},\"ttl\":\"30s\"}"))
			.isEqualTo(new JifCommand.Write("r", null, null, JSON.readTree("{}"), Duration.ofSeconds(30)));
		assertThat(parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":1,\"path\":\"a\","
				+ "\"ttl\":\"PT2H\"}"))
			.isEqualTo(new JifCommand.Write("r", null, "a", JSON.readTree("1"), Duration.ofHours(2)));
		assertThat(parse("{\"topic\":\"list\",\"action\":\"write\",\"listName\":\"l\",\"data\":[],\"ttl\":\"7d\"}"))
			.isEqualTo(new JifCommand.Write("l", null, null, JSON.readTree("[]"), Duration.ofDays(7)));

		JifParser.Parsed bare = JifParser.parse(JSON.readTree(
				"{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":{},\"ttl\":\"30\"}"));
		assertThat(bare.valid()).isFalse();
		assertThat(bare.reason()).isEqualTo("property '.ttl' must be a positive duration with its unit, such as 30s, "
				+ "15m, 2h, 7d or PT30S; was '30'");
		assertThat(JifParser.parse(JSON.readTree(
				"{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":{},\"ttl\":30}")).valid())
			.as("a ttl that is not a string fits no shape").isFalse();
		assertThat(JifParser.parse(JSON.readTree(
				"{\"topic\":\"record\",\"action\":\"read\",\"recordName\":\"r\",\"ttl\":\"30s\"}")).valid())
			.as("only writes take a ttl").isFalse();
	}

	@Test
	void versionsAsDeepstreamReadsThem() {
		// "version || -1": absent, 0 and -1 all write on top of whatever is current; 1.0 is an integer
		assertThat(write("")).isNull();
		assertThat(write(",\"version\":0")).isNull();
		assertThat(write(",\"version\":-1")).isNull();
		assertThat(write(",\"version\":1.0")).isEqualTo(1L);
		assertThat(write(",\"version\":7")).isEqualTo(7L);
	}

	@Test
	void anEmptyPathWritesTheWholeRecord() {
		JifCommand command = parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":{},\"path\":\"\"}");
		assertThat(((JifCommand.Write) command).path()).isNull();
	}

	private static Long write(String version) {
		return ((JifCommand.Write) parse("{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"r\",\"data\":{}"
				+ version + "}")).version();
	}

	private static JifCommand parse(String jif) {
		JifParser.Parsed parsed = JifParser.parse(JSON.readTree(jif));
		assertThat(parsed.reason()).as(jif).isNull();
		assertThat(parsed.valid()).as(jif).isTrue();
		return parsed.command();
	}

}
