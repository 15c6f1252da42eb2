package io.sluice.gateway.protocol;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * The names of a topic's actions, read once from the {@code public static final int} constants of its action class
 * (such as {@link EventAction}), so that a constant and its name cannot drift apart.
 */
final class ActionNames {

	private final String[] names;

	private ActionNames(String[] names) {
		this.names = names;
	}

	/** The names of the actions {@code actions} declares, each under its number. */
	static ActionNames of(Class<?> actions) {
		int size = 0;
		for (Field field : actions.getFields()) {
			if (isAction(field)) {
				size = Math.max(size, number(field) + 1);
			}
		}
		String[] names = new String[size];
		for (Field field : actions.getFields()) {
			if (isAction(field)) {
				names[number(field)] = field.getName();
			}
		}
		return new ActionNames(names);
	}

	/** The action's name, or {@code null} if there is no such action. */
	String name(int action) {
		return (action >= 0 && action < this.names.length) ? this.names[action] : null;
	}

	private static boolean isAction(Field field) {
		int modifiers = field.getModifiers();
		return Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == int.class;
	}

	private static int number(Field field) {
		try {
			return field.getInt(null);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot read action " + field, ex);
		}
	}

}
