/* pv-vendor.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

/**
 * PvVendor:
 * @id: the catalog's name for it ("timly", "other")
 * @name: its name for people
 * @scim_url: (nullable): the one SCIM base URL every customer uses
 * @console: (nullable): the https page where its admins make tokens
 * @connections: (array zero-terminated=1): "users" and/or "persons", each
 *   its own enterprise app and token
 * @token_format: "jwt", "opaque" or "any"
 * @lifetime_days: how long a token lasts from the day it is made; 0 if the
 *   vendor does not say
 * @max_active: how many tokens may be active at once; 0 if not said
 * @old_token_dies: making a new token ends the old one at once
 * @has_reminders: whether @reminders holds the vendor's own schedule
 * @reminders: when the vendor mails its admins, days before expiry
 * @identity_providers: (array zero-terminated=1): "entra", "okta", "other"
 * @note: (nullable): what to know before renewing
 * @steps: (element-type PvGuideStep): how to make a new token in the
 *   vendor's console; {app} is "Users" or "Persons"
 *
 * One vendor of the catalog (data/vendors), translated.  The catalog's
 * are shared: pv_vendor_free() drops a reference.
 */
typedef struct {
  char           *id;
  char           *name;
  char           *scim_url;
  char           *console;
  char          **connections;
  char           *token_format;
  guint           lifetime_days;
  guint           max_active;
  gboolean        old_token_dies;
  gboolean        has_reminders;
  PvExpiryPolicy  reminders;
  char          **identity_providers;
  char           *note;
  GPtrArray      *steps;
  /*< private >*/
  gint            ref_count;
} PvVendor;

void      pv_vendor_free     (PvVendor    *vendor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvVendor, pv_vendor_free)

PvVendor *pv_vendor_parse    (const char  *name,
                              const char  *data,
                              gsize        length,
                              GError     **error);
char    **pv_vendor_list     (void);
PvVendor *pv_vendor_lookup   (const char  *id,
                              GError     **error);
gboolean  pv_vendor_has_connection (const PvVendor *vendor,
                                    const char     *kind);
GPtrArray *pv_vendor_renew_steps   (const PvVendor *vendor,
                                    const char     *kind,
                                    const char     *app_name,
                                    const char     *scim_base_url);

G_END_DECLS
