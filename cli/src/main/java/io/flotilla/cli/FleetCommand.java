package io.flotilla.cli;

import picocli.CommandLine.Command;

/** {@code flotilla fleet ...}: run fleets on this machine. */
@Command(
    name = "fleet",
    description = "Run a fleet on this machine.",
    mixinStandardHelpOptions = true,
    subcommands = {FleetDemoCommand.class})
final class FleetCommand {}
