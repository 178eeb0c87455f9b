package dev.eventfold.domain;

import dev.eventfold.core.EventfoldException;

/** A typed dispatcher interface is declared wrongly; thrown when the dispatcher is created. */
public final class DomainDefinitionException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final String method;

    DomainDefinitionException(Class<?> type, String method, String reason) {
        super(type.getSimpleName() + (method == null ? "" : "." + method) + ": " + reason);
        this.type = type.getName();
        this.method = method;
    }

    /** The interface's binary name. */
    public String type() {
        return type;
    }

    /** The method, as {@code name(ParamType, ...)}; null when the interface itself is at fault. */
    public String method() {
        return method;
    }
}
