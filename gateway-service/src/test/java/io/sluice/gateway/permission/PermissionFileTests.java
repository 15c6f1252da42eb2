package io.sluice.gateway.permission;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PermissionFileTests {

	/** Every section with its root entry allowing everything; a test adds its own entries after them. */
	private static final String OPEN_SECTIONS = """
			record:
			  "*": { create: true, write: true, read: true, delete: true, listen: true, notify: true }
			event:
			  "*": { publish: true, subscribe: true, listen: true }
			rpc:
			  "*": { provide: true, request: true }
			presence:
			  "*": { allow: true }
			""";

	@Test
	void theLongestMatchingPatternWithARuleForTheActionWins() {
		PermissionRules rules = PermissionFile.parse("""
				record:
				  "*": { read: true, write: false }
				  "users/*": { write: "user.id === 'admin'" }
				  "users/$userId": { write: "user.id === $userId" }
				  "users/$userId/private": { read: false }
				event: { "*": { publish: true } }
				rpc: { "*": { provide: true } }
				presence: { "*": { allow: true } }
				""", false);

		PermissionRules.Match write = rules.find(PermissionAction.RECORD_WRITE, "users/alice");
		assertThat(write.path()).isEqualTo("users/$userId");
		assertThat(write.variables()).containsExactly(Map.entry("$userId", "alice"));
		// "users/$userId" captures one segment: a deeper name falls to the wildcard
		assertThat(rules.find(PermissionAction.RECORD_WRITE, "users/alice/avatar").path()).isEqualTo("users/*");
		// the private entry has no write rule, so it does not take part in choosing one
		assertThat(rules.find(PermissionAction.RECORD_WRITE, "users/alice/private").path()).isEqualTo("users/*");
		assertThat(rules.find(PermissionAction.RECORD_READ, "users/alice/private").rule().isAlwaysTrue()).isFalse();
		assertThat(rules.find(PermissionAction.RECORD_READ, "users/alice").path()).isEqualTo("*");
		// no pattern has a delete rule: denied
		assertThat(rules.find(PermissionAction.RECORD_DELETE, "users/alice").rule()).isNull();
	}

	@Test
	void ofEquallyLongPatternsTheLastInTheFileWins() {
		PermissionRules rules = PermissionFile.parse(OPEN_SECTIONS.replace("record:\n", """
				record:
				  "a/$x": { write: false }
				  "$x/b": { write: "true" }
				"""), false);

		assertThat(rules.find(PermissionAction.RECORD_WRITE, "a/b").path()).isEqualTo("$x/b");
	}

	@Test
	void aPatternIsLiteralButForItsWildcardsAndVariables() {
		PermissionRules rules = PermissionFile.parse(OPEN_SECTIONS.replace("record:\n", """
				record:
				  "chat.room(1)/*/$id": { write: false }
				"""), false);

		assertThat(rules.find(PermissionAction.RECORD_WRITE, "chat.room(1)/x/y/7").path())
			.isEqualTo("chat.room(1)/*/$id");
		assertThat(rules.find(PermissionAction.RECORD_WRITE, "chatXroom(1)/x/7").path()).isEqualTo("*");
	}

	@Test
	void jsonFilesAreReadAsWellAsYaml() {
		PermissionRules rules = PermissionFile.parse("""
				{ "record": { "*": { "read": "user.id == 'a'" } }, "event": { "*": { "publish": true } },
				  "rpc": { "*": { "request": true } }, "presence": { "*": { "allow": false } } }
				""", true);

		assertThat(rules.find(PermissionAction.RECORD_READ, "x").rule()).hasToString("user.id == 'a'");
		assertThat(rules.find(PermissionAction.PRESENCE_ALLOW, "").rule().isAlwaysTrue()).isFalse();
	}

	static Stream<Arguments> badEntries() {
		return Stream.of(
				bad("unknown rule type", "record", "'x/*': { publish: true }",
						"unknown rule type publish in section record (at record \"x/*\")"),
				bad("rule of the wrong type", "event", "'news/*': { publish: 1 }",
						"event \"news/*\" publish: a rule must be true, false or an expression string, was NUMBER"),
				bad("empty rule", "rpc", "'a': { request: '' }", "rpc \"a\" request: rule can't be empty"),
				bad("syntax error", "record", "'a': { write: 'user.id === ' }", "record \"a\" write: "),
				bad("new keyword", "record", "'a': { read: 'new Date() > 0' }", "record \"a\" read: "),
				bad("unsupported function", "record", "'a': { read: 'eval(user.id)' }", "record \"a\" read: "),
				bad("assignment", "record", "'a': { write: 'data.x = 1' }", "record \"a\" write: "),
				bad("a global", "event", "'a': { publish: 'process.exit()' }", "event \"a\" publish: "),
				bad("oldData in create", "record", "'a': { create: 'oldData.x == 1' }",
						"record \"a\" create: rule create for record does not support oldData"),
				bad("data in provide", "rpc", "'a': { provide: 'data.x == 1' }",
						"rpc \"a\" provide: rule provide for rpc does not support data"),
				bad("variable not captured", "record", "'users/$id': { write: 'user.id == $userId' }",
						"record \"users/$id\" write: the rule uses $userId, which the path does not capture"),
				bad("path starting with a slash", "record", "'/a': { read: true }",
						"path can't start with / for path /a in section record"),
				bad("invalid variable name", "record", "'a/$-b': { read: true }",
						"invalid variable name $- for path a/$-b in section record"),
				bad("rules not an object", "presence", "'a': true",
						"presence \"a\": the rules must be an object of rule types, was BOOLEAN"));
	}

	private static Arguments bad(String problem, String section, String entry, String message) {
		return Arguments.of(problem, section, entry, message);
	}

	/** Each bad entry, added to a good file, is refused with a message that names where it is and what is wrong. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("badEntries")
	void aBadFileIsRefusedWithAMessageNamingTheRule(String problem, String section, String entry, String message) {
		String file = OPEN_SECTIONS.replace(section + ":\n", section + ":\n  " + entry + "\n");
		assertThatThrownBy(() -> PermissionFile.parse(file, false)).as(problem)
			.isInstanceOf(InvalidPermissionsException.class)
			.hasMessageContaining(message);
	}

	@Test
	void anUnknownSectionIsRefused() {
		assertThatThrownBy(() -> PermissionFile.parse(OPEN_SECTIONS + "other:\n  '*': { allow: true }\n", false))
			.hasMessageStartingWith("unexpected configuration section \"other\"");
	}

	@Test
	void aFileMissingASectionOrItsRootEntryIsRefused() {
		assertThatThrownBy(() -> PermissionFile.parse(OPEN_SECTIONS.replaceAll("presence:\\n.*\\n", ""), false))
			.hasMessage("missing configuration section \"presence\"");
		assertThatThrownBy(() -> PermissionFile.parse(OPEN_SECTIONS.replace("\"*\": { allow: true }", "x: { allow: true }"),
				false))
			.hasMessage("missing root entry \"*\" for section presence");
		assertThatThrownBy(() -> PermissionFile.parse(OPEN_SECTIONS.replace("presence:\n  \"*\": { allow: true }\n",
				"presence: {}\n"), false))
			.hasMessage("empty section \"presence\"");
	}

	@Test
	void textThatIsNotAnObjectOfSectionsIsRefused() {
		assertThatThrownBy(() -> PermissionFile.parse("record: [", false)).hasMessageStartingWith("not valid YAML: ");
		assertThatThrownBy(() -> PermissionFile.parse("{ \"record\": ", true)).hasMessageStartingWith("not valid JSON: ");
		assertThatThrownBy(() -> PermissionFile.parse("- a\n- b\n", false))
			.hasMessage("the permissions must be an object of sections (record, event, rpc, presence), was ARRAY");
		assertThatThrownBy(() -> PermissionFile.parse("", false))
			.hasMessageContaining("the permissions must be an object of sections");
	}

	@Test
	void aFileThatCannotBeReadIsNamed() {
		assertThatThrownBy(() -> PermissionFile.load(java.nio.file.Path.of("/nonexistent/permissions.yml")))
			.isInstanceOf(InvalidPermissionsException.class)
			.hasMessageStartingWith("Cannot read permission file /nonexistent/permissions.yml");
	}

}
