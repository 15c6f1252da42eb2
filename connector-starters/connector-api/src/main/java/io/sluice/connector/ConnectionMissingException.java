package io.sluice.connector;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A connector was chosen, but the application has no means to reach its technology: a library it is built on is not
 * on the class path, or no connection to it was configured. A starter throws it at start-up, so that the application
 * does not quietly fall back to memory, saying what is missing and how to add it; a failure analyzer shows that.
 */
public final class ConnectionMissingException extends RuntimeException {

	private final String choice;

	private final String explanation;

	private final String remedy;

	private final String memoryChoice;

	/**
	 * @param connector the technology's name, such as {@code MongoDB}
	 * @param choosingProperties the properties that chose it, such as {@code sluice.storage.type=mongodb}
	 * ({@link ConnectorChoice#choosingProperties})
	 * @param missing what is missing, in brief, for the message
	 * @param explanation what is missing and why, in full sentences
	 * @param remedy how to add what is missing
	 */
	public ConnectionMissingException(String connector, List<String> choosingProperties, String missing,
			String explanation, String remedy) {
		this(String.join(" and ", choosingProperties) + " chose the " + connector + " connector", missing, explanation,
				remedy, choosingProperties.stream()
					.map((property) -> property.substring(0, property.indexOf('=') + 1) + "memory")
					.collect(Collectors.joining(" and ")));
	}

	private ConnectionMissingException(String choice, String missing, String explanation, String remedy,
			String memoryChoice) {
		super(choice + ", but " + missing);
		this.choice = choice;
		this.explanation = explanation;
		this.remedy = remedy;
		this.memoryChoice = memoryChoice;
	}

	/** Which properties chose which connector, and what is missing for it. */
	public String description() {
		return this.choice + ", but " + this.explanation;
	}

	/** How to add what is missing, or to choose the memory connector instead. */
	public String action() {
		return this.remedy + "; or choose another connector with " + this.memoryChoice + ".";
	}

}
