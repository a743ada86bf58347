package io.hub.app;

import picocli.CommandLine.Command;

@Command(name = "hub", mixinStandardHelpOptions = true, versionProvider = HubVersion.class,
        description = "Zero-touch provisioning and SIP-TLS edge for desk phones.",
        subcommands = {StartCommand.class, PkiCommand.class, io.hub.app.admin.DeviceCommand.class,
                io.hub.app.admin.FirmwareCommand.class, io.hub.app.admin.TenantCommand.class,
                io.hub.app.admin.LiveCommands.Registrations.class, io.hub.app.admin.LiveCommands.Calls.class,
                io.hub.app.dhcp.DhcpCommand.class,
                io.hub.app.phone.PhoneCommand.class, io.hub.app.relay.RelayCommand.class,
                io.hub.app.backup.BackupCommands.Backup.class, io.hub.app.backup.BackupCommands.Restore.class,
                io.hub.app.crash.CrashLoopCommand.class, io.hub.app.node.NodeCommand.class},
        commandListHeading = "%nCommands:%n")
public final class HubCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
