package io.sluice.gateway.permission;

import java.util.Locale;

/**
 * What a rule guards: a section of the permission file and one of its rule types, as deepstream's Valve names them.
 * A rule of each may read {@code data} (what the client sends, or a record as a write would leave it) and
 * {@code oldData} (the record before the action) only where deepstream gives them a meaning.
 */
public enum PermissionAction {

	RECORD_CREATE(Section.RECORD, "create", false, false),

	RECORD_WRITE(Section.RECORD, "write", true, true),

	RECORD_READ(Section.RECORD, "read", false, true),

	RECORD_DELETE(Section.RECORD, "delete", false, true),

	RECORD_LISTEN(Section.RECORD, "listen", false, false),

	RECORD_NOTIFY(Section.RECORD, "notify", false, false),

	EVENT_PUBLISH(Section.EVENT, "publish", true, false),

	EVENT_SUBSCRIBE(Section.EVENT, "subscribe", true, false),

	EVENT_LISTEN(Section.EVENT, "listen", false, false),

	RPC_PROVIDE(Section.RPC, "provide", false, false),

	RPC_REQUEST(Section.RPC, "request", true, false),

	PRESENCE_ALLOW(Section.PRESENCE, "allow", false, false);

	/** The top-level sections of a permission file. */
	public enum Section {

		RECORD, EVENT, RPC, PRESENCE;

		/** The name in the file, such as {@code record}. */
		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final Section section;

	private final String ruleType;

	private final boolean hasData;

	private final boolean hasOldData;

	PermissionAction(Section section, String ruleType, boolean hasData, boolean hasOldData) {
		this.section = section;
		this.ruleType = ruleType;
		this.hasData = hasData;
		this.hasOldData = hasOldData;
	}

	public Section section() {
		return this.section;
	}

	/** The rule's key in its section's entries, such as {@code write}. */
	public String ruleType() {
		return this.ruleType;
	}

	/** Whether a rule of this type may read {@code data}. */
	public boolean hasData() {
		return this.hasData;
	}

	/** Whether a rule of this type may read {@code oldData}. */
	public boolean hasOldData() {
		return this.hasOldData;
	}

	/** The action of that section and rule type, or {@code null} when the section has no such rule type. */
	static PermissionAction of(Section section, String ruleType) {
		for (PermissionAction action : values()) {
			if (action.section == section && action.ruleType.equals(ruleType)) {
				return action;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this.section.key() + "." + this.ruleType;
	}

}
