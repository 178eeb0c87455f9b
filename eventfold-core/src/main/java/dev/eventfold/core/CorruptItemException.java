package dev.eventfold.core;

/**
 * An item in the table that cannot be read as an event or a head (missing version, wrong
 * attribute type, ...). Names the item by its keys; never includes its payload.
 */
public final class CorruptItemException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String pk;
    private final String sk;
    private final String reason;

    public CorruptItemException(String pk, String sk, String reason) {
        super("corrupt item pk=" + pk + " sk=" + sk + ": " + reason);
        this.pk = pk;
        this.sk = sk;
        this.reason = reason;
    }

    public String pk() {
        return pk;
    }

    public String sk() {
        return sk;
    }

    public String reason() {
        return reason;
    }
}
