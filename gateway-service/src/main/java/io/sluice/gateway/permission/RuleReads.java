package io.sluice.gateway.permission;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a parsed rule reads, found when the file is loaded: whether an expression depends on nothing but who acts and
 * the name acted on (then its value is the same for every message of one connection about one name), and which
 * members of {@code data} it reads (then the rest of the data need not be built).
 */
final class RuleReads {

	private RuleReads() {
	}

	/**
	 * Whether the expression reads only {@code user}, the {@code $variables} and literals: not {@code data},
	 * {@code oldData}, {@code now}, {@code action} nor another record.
	 */
	static boolean fixedPerName(RuleNode node) {
		if (node instanceof RuleNode.Variable variable) {
			return variable.name().equals("user");
		}
		if (node instanceof RuleNode.CrossRecord) {
			return false;
		}
		for (RuleNode child : children(node)) {
			if (!fixedPerName(child)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The members of {@code data} the expression reads when it reads {@code data} only as {@code data.name} or
	 * {@code data['name']} (a name written in the rule); {@code null} when it reads {@code data} in any other way
	 * ({@code data == null}, {@code typeof data}, {@code data[key]} with a computed key), and needs all of it.
	 */
	static Set<String> dataMembers(RuleNode root) {
		Set<String> members = new LinkedHashSet<>();
		return collectDataMembers(root, members) ? Set.copyOf(members) : null;
	}

	private static boolean collectDataMembers(RuleNode node, Set<String> members) {
		if (node instanceof RuleNode.Member member && member.target() instanceof RuleNode.Variable variable
				&& variable.name().equals("data")) {
			if (!(member.key() instanceof RuleNode.Literal literal)) {
				return false;
			}
			members.add(JsValues.toJsString(literal.value()));
			return true;
		}
		if (node instanceof RuleNode.Variable variable) {
			return !variable.name().equals("data");
		}
		for (RuleNode child : children(node)) {
			if (!collectDataMembers(child, members)) {
				return false;
			}
		}
		return true;
	}

	/** The operands of a chain of {@code &&}, however it is parenthesised, as written; the node alone if it is none. */
	static List<RuleNode> andTerms(RuleNode root) {
		List<RuleNode> terms = new java.util.ArrayList<>();
		addAndTerms(root, terms);
		return terms;
	}

	private static void addAndTerms(RuleNode node, List<RuleNode> terms) {
		if (node instanceof RuleNode.Logical logical && logical.and()) {
			addAndTerms(logical.left(), terms);
			addAndTerms(logical.right(), terms);
		}
		else {
			terms.add(node);
		}
	}

	private static List<RuleNode> children(RuleNode node) {
		if (node instanceof RuleNode.Member member) {
			return List.of(member.target(), member.key());
		}
		if (node instanceof RuleNode.MethodCall call) {
			List<RuleNode> children = new java.util.ArrayList<>(call.arguments().size() + 1);
			children.add(call.target());
			children.addAll(call.arguments());
			return children;
		}
		if (node instanceof RuleNode.CrossRecord crossRecord) {
			return List.of(crossRecord.argument());
		}
		if (node instanceof RuleNode.Unary unary) {
			return List.of(unary.operand());
		}
		if (node instanceof RuleNode.Binary binary) {
			return List.of(binary.left(), binary.right());
		}
		if (node instanceof RuleNode.Logical logical) {
			return List.of(logical.left(), logical.right());
		}
		if (node instanceof RuleNode.Conditional conditional) {
			return List.of(conditional.test(), conditional.whenTrue(), conditional.whenFalse());
		}
		if (node instanceof RuleNode.Literal || node instanceof RuleNode.Variable
				|| node instanceof RuleNode.PathVariable) {
			return List.of();
		}
		throw new IllegalStateException("no children known for " + node);
	}

}
