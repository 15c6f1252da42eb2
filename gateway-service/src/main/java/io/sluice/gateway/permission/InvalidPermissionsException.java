package io.sluice.gateway.permission;

/** A permission file that cannot be used: the message names the file, the rule and what is wrong with it. */
public final class InvalidPermissionsException extends IllegalArgumentException {

	InvalidPermissionsException(String message) {
		super(message);
	}

	InvalidPermissionsException(String message, Throwable cause) {
		super(message, cause);
	}

}
