package io.hub.provisioning.deviceapi;

import io.hub.pki.DeviceIdentity;
import io.hub.provisioning.devices.Device;
import java.security.cert.X509Certificate;

/** A request let through: the certificate's identity, the enrolled device it speaks for, and its leaf. */
record Access(DeviceIdentity identity, Device device, X509Certificate leaf) {
}
