#!/usr/bin/python3
# A stand-in for the desktop's notification server on the test session bus:
# owns org.gtk.Notifications (what GLib's GNotification uses outside a
# sandbox) and org.freedesktop.Notifications, and writes each notification
# it receives as a JSON line to the file given as argument.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import sys

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.gtk.Notifications">
    <method name="AddNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="a{sv}" direction="in"/>
    </method>
    <method name="RemoveNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
    </method>
  </interface>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
    </method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
  </interface>
</node>
"""

log = open(sys.argv[1], "a")


def record(entry):
    log.write(json.dumps(entry) + "\n")
    log.flush()


def call(connection, sender, path, interface, method, params, invocation):
    args = params.unpack()
    if method == "AddNotification":
        app_id, nid, n = args
        record({"app_id": app_id, "id": nid, "title": n.get("title"), "body": n.get("body"),
                "priority": n.get("priority"), "default_action": n.get("default-action"),
                "default_target": n.get("default-action-target"),
                "buttons": [b.get("label") for b in n.get("buttons", [])],
                "button_actions": [b.get("action") for b in n.get("buttons", [])],
                "button_targets": [b.get("target") for b in n.get("buttons", [])]})
        invocation.return_value(None)
    elif method == "Notify":
        record({"app_id": args[0], "title": args[3], "body": args[4], "actions": args[5]})
        invocation.return_value(GLib.Variant("(u)", (1,)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("fake", "provisio-tests", "1", "1.2")))
    else:
        invocation.return_value(None)


def acquired(connection, name):
    owned.add(name)
    if len(owned) == 2:
        print("ready", flush=True)


owned = set()
node = Gio.DBusNodeInfo.new_for_xml(XML)
bus = Gio.bus_get_sync(Gio.BusType.SESSION)
for interface in node.interfaces:
    bus.register_object("/org/gtk/Notifications" if interface.name.startswith("org.gtk")
                        else "/org/freedesktop/Notifications", interface, call)
for name in ("org.gtk.Notifications", "org.freedesktop.Notifications"):
    Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, acquired, None)
GLib.MainLoop().run()
