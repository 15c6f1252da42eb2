package io.sluice.gateway.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles a parsed rule ({@link RuleNode}) into the nodes it is evaluated with ({@link CompiledNode}), once, when
 * the permission file is loaded: each operator becomes its own node; a chain of members written in the rule
 * ({@code data.a.b}, {@code user.data.role}) one path; {@code user.id}, {@code user.isAuthenticated} and
 * {@code user.data} reads of the context; an equality with a literal a node that knows the literal's coercions;
 * {@code typeof x == 'name'} a comparison of the type; a relational comparison with a number a numeric one; a chain
 * of {@code &&} or {@code ||} one loop. Values are exactly those of the parsed rule in JavaScript.
 */
final class RuleCompiler {

	private static final Set<String> EQUALITY = Set.of("==", "!=", "===", "!==");

	private static final Set<String> RELATIONAL = Set.of("<", "<=", ">", ">=");

	private RuleCompiler() {
	}

	static CompiledNode compile(RuleNode node) {
		if (node instanceof RuleNode.Literal literal) {
			return new CompiledValues.Constant(literal.value());
		}
		if (node instanceof RuleNode.Variable variable) {
			return variable(variable.name());
		}
		if (node instanceof RuleNode.PathVariable variable) {
			return new CompiledValues.PathVariable(variable.name());
		}
		if (node instanceof RuleNode.Member member) {
			return member(member);
		}
		if (node instanceof RuleNode.MethodCall call) {
			return methodCall(call);
		}
		if (node instanceof RuleNode.CrossRecord crossRecord) {
			return new CompiledValues.CrossRecord(compile(crossRecord.argument()));
		}
		if (node instanceof RuleNode.Unary unary) {
			return unary(unary);
		}
		if (node instanceof RuleNode.Binary binary) {
			return binary(binary);
		}
		if (node instanceof RuleNode.Logical logical) {
			List<CompiledNode> operands = new ArrayList<>();
			flatten(logical, logical.and(), operands);
			return new CompiledOperators.Logical(logical.and(), operands.toArray(CompiledNode[]::new));
		}
		if (node instanceof RuleNode.Conditional conditional) {
			return new CompiledOperators.Conditional(compile(conditional.test()), compile(conditional.whenTrue()),
					compile(conditional.whenFalse()));
		}
		throw new IllegalStateException("no compiled form for " + node);
	}

	private static CompiledNode variable(String name) {
		return switch (name) {
			case "user" -> new CompiledValues.User();
			case "data" -> new CompiledValues.ContextData(false);
			case "oldData" -> new CompiledValues.ContextData(true);
			case "now" -> new CompiledValues.Now();
			case "action" -> new CompiledValues.Action();
			default -> throw new IllegalStateException("not a rule variable: " + name);
		};
	}

	private static CompiledNode member(RuleNode.Member member) {
		if (!(member.key() instanceof RuleNode.Literal literal)) {
			return new CompiledValues.Member(compile(member.target()), compile(member.key()));
		}
		Members.Key key = Members.Key.of(JsValues.toJsString(literal.value()));
		if (member.target() instanceof RuleNode.Variable variable && variable.name().equals("user")) {
			switch (key.name()) {
				case "id":
					return new CompiledValues.UserMember(CompiledValues.UserMember.Name.ID);
				case "isAuthenticated":
					return new CompiledValues.UserMember(CompiledValues.UserMember.Name.IS_AUTHENTICATED);
				case "data":
					return new CompiledValues.UserMember(CompiledValues.UserMember.Name.DATA);
				default:
					break;
			}
		}
		CompiledNode target = compile(member.target());
		if (key.length()) {
			return new CompiledValues.Length(target);
		}
		return (target instanceof CompiledValues.Path path) ? path.then(key)
				: new CompiledValues.Path(target, new Members.Key[] { key });
	}

	private static CompiledNode methodCall(RuleNode.MethodCall call) {
		CompiledNode target = compile(call.target());
		if (call.method().equals("match") && call.arguments().size() == 1
				&& call.arguments().get(0) instanceof RuleNode.Literal literal
				&& literal.value() instanceof RegexValue regex) {
			return new CompiledValues.Match(target, regex);
		}
		CompiledNode[] arguments = call.arguments().stream().map(RuleCompiler::compile).toArray(CompiledNode[]::new);
		return new CompiledValues.MethodCall(target, call.method(), arguments);
	}

	private static CompiledNode unary(RuleNode.Unary unary) {
		CompiledNode operand = compile(unary.operand());
		return switch (unary.operator()) {
			case "!" -> new CompiledOperators.Not(operand);
			case "-" -> new CompiledOperators.ToNumber(operand, true);
			case "+" -> new CompiledOperators.ToNumber(operand, false);
			case "typeof" -> new CompiledOperators.TypeOf(operand);
			default -> throw new IllegalStateException(unary.operator());
		};
	}

	private static CompiledNode binary(RuleNode.Binary binary) {
		String operator = binary.operator();
		if (EQUALITY.contains(operator)) {
			return equality(binary);
		}
		CompiledNode left = compile(binary.left());
		CompiledNode right = compile(binary.right());
		if (RELATIONAL.contains(operator)) {
			boolean numeric = isNumber(binary.left()) || isNumber(binary.right());
			return new CompiledOperators.Relational(CompiledOperators.Comparison.of(operator), left, right, numeric);
		}
		return operator.equals("+") ? new CompiledOperators.Add(left, right)
				: new CompiledOperators.Arithmetic(operator.charAt(0), left, right);
	}

	/**
	 * An equality, specialised when one side is a literal (the other side is then evaluated alone: a literal has
	 * nothing to evaluate, and both equalities are symmetric).
	 */
	private static CompiledNode equality(RuleNode.Binary binary) {
		boolean negate = binary.operator().startsWith("!");
		boolean strict = binary.operator().length() == 3;
		RuleNode other = (binary.right() instanceof RuleNode.Literal) ? binary.left() : binary.right();
		Object literal = (binary.right() instanceof RuleNode.Literal right) ? right.value()
				: (binary.left() instanceof RuleNode.Literal left) ? left.value() : null;
		if (literal != null && !(other instanceof RuleNode.Literal)) {
			if (other instanceof RuleNode.Unary unary && unary.operator().equals("typeof")
					&& literal instanceof String type) {
				return new CompiledEquality.WithString(compile(unary.operand()), type,
						CompiledEquality.WithString.Kind.TYPE_OF, negate);
			}
			CompiledNode operand = compile(other);
			if (literal instanceof String text) {
				return new CompiledEquality.WithString(operand, text,
						strict ? CompiledEquality.WithString.Kind.STRICT : CompiledEquality.WithString.Kind.LOOSE, negate);
			}
			if (literal instanceof Double number) {
				return new CompiledEquality.WithNumber(operand, number, strict, negate);
			}
			if (!strict && literal instanceof Boolean b) {
				return new CompiledEquality.WithNumber(operand, b ? 1 : 0, false, negate);
			}
			if (!strict && (literal == JsValues.NULL || literal == JsValues.UNDEFINED)) {
				return new CompiledEquality.Nullish(operand, negate);
			}
		}
		return new CompiledEquality.General(compile(binary.left()), compile(binary.right()), strict, negate);
	}

	private static boolean isNumber(RuleNode node) {
		return node instanceof RuleNode.Literal literal && literal.value() instanceof Double;
	}

	/** The operands of a chain of the same logical operator, however it is parenthesised: both are associative. */
	private static void flatten(RuleNode node, boolean and, List<CompiledNode> operands) {
		if (node instanceof RuleNode.Logical logical && logical.and() == and) {
			flatten(logical.left(), and, operands);
			flatten(logical.right(), and, operands);
		}
		else {
			operands.add(compile(node));
		}
	}

}
