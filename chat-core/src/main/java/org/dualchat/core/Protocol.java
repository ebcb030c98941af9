package org.dualchat.core;

/** The transport a message arrived over. */
public enum Protocol {
    UDP,
    TCP
}
