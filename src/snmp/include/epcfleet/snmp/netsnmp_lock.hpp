#pragma once
// For the few modules that call net-snmp themselves (mib: its MIB parser): the one lock every
// net-snmp call in the process is made under, and the one-time set-up the snmp module does.
// net-snmp is not reentrant and keeps process-wide tables; two locks would be no lock at all.
// Not for general use: everything else talks to snmp::Client.

#include <mutex>
#include <string>

namespace epcfleet::snmp::detail {

// The process-wide net-snmp lock (the one the Codec takes around every call).
std::mutex& netsnmp_mutex();

// Sets net-snmp up for this process unless done already: no config files (~/.snmp included), no
// persistence, no output on stderr, its files under `state_dir` (created). Only the first
// caller's directory counts. Call with netsnmp_mutex() held.
void init_netsnmp(const std::string& state_dir);

}  // namespace epcfleet::snmp::detail
