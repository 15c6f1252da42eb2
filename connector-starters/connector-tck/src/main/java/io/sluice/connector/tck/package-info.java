/**
 * Contract tests for the connector ports of {@code io.sluice.connector}: abstract JUnit 5 classes that each
 * adapter's tests extend, supplying the adapter through one hook. An adapter is correct when it passes them.
 */
package io.sluice.connector.tck;
