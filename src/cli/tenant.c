/* tenant.c: provisioctl tenant …: adding, listing and removing tenants, and
 * renewing the admin API key Provisio holds for one
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-admin-key.h"
#include "pv-cache.h"
#include "pv-credentials.h"
#include "pv-json-read.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-token.h"
#include "common.h"
#include "tenant.h"

static char *opt_pin_certificate;
static gboolean opt_allow_insecure_http;

const GOptionEntry tenant_add_entries[] = {
  { "pin-certificate", 0, 0, G_OPTION_ARG_FILENAME, &opt_pin_certificate,
    N_("Trust only this certificate (PEM) for the tenant, such as its self-signed one"), N_("FILE") },
  { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &opt_allow_insecure_http,
    N_("Allow a plain http:// URL to another computer: the key crosses the network unencrypted"), NULL },
  { NULL }
};

static int
tenant_add (GFile      *file,
            const char *id,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(JsonObject) tenant = NULL;
  g_autoptr(GAsyncResult) stored = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  g_autofree char *pin = NULL;
  const char *name, *tenant_id, *owner;
  gint64 days_left;
  PvTokenKind kind;
  guint index;
  PvProfile profile = { (char *) id, (char *) url };

  if (!pv_profile_id_is_valid (id))
    {
      g_printerr (_("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores\n"), id);
      return 2;
    }
  if (opt_pin_certificate != NULL && !(pin = pv_tls_fingerprint_of_file (opt_pin_certificate, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 2;
    }
  profile.pinned_certificate = pin;
  profile.allow_insecure_http = opt_allow_insecure_http;
  key = read_secret (_("Admin API key: "));
  if (!pv_token_is_well_formed (key, &kind) || kind != PV_TOKEN_ADMIN)
    {
      g_printerr (_("That is not a Provisio admin API key (they start with pva_ and are 53 characters long)\n"));
      return 2;
    }

  /* Checked live, as it will be reached, before anything is kept. */
  client = pv_profile_new_client (&profile, key);
  tenant = call (client, "GET", "/api/v1/tenant", &error);
  if (tenant == NULL ||
      !pv_json_read_string (tenant, "name", FALSE, &name, &error) ||
      !pv_json_read_string (tenant, "id", FALSE, &tenant_id, &error) ||
      !pv_json_read_string_in (pv_json_object_member (tenant, "api_key"), "owner", FALSE, &owner, &error) ||
      !pv_json_read_int64 (pv_json_object_member (tenant, "api_key"), "days_left", FALSE, &days_left, &error))
    goto fail;

  label = pv_credentials_admin_key_label (id, pv_client_get_base_url (client));
  pv_credentials_store_async (id, PV_CREDENTIAL_ADMIN_KEY, label, key, NULL, got_result_cb, &stored);
  if (!pv_credentials_store_finish (wait_for (&stored), &error))
    goto fail;

  if (!(profiles = load_profiles (file, &error)))
    goto fail;
  if (find_profile (profiles, id, &index))
    g_ptr_array_remove_index (profiles, index);
  profile.base_url = (char *) pv_client_get_base_url (client);
  g_ptr_array_add (profiles, pv_profile_copy (&profile));
  if (!save_profiles (file, profiles, &error))
    goto fail;

  g_print (g_dngettext (GETTEXT_PACKAGE, "Added %s: tenant “%s” (%s), key of %s, %d day left\n",
                        "Added %s: tenant “%s” (%s), key of %s, %d days left\n", days_left),
           id, name, tenant_id, owner, (int) days_left);
  if (pin != NULL)
    g_print (_("Pinned certificate: SHA-256 %s\n"), pin);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

static int
tenant_list (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);

  if (profiles == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      PvProfile *p = g_ptr_array_index (profiles, i);

      g_print ("%-20s %s", p->id, p->base_url);
      if (p->pinned_certificate != NULL)
        {
          g_print ("  ");
          /* Translators: %s is a certificate's SHA-256 fingerprint */
          g_print (_("pinned certificate SHA-256 %s"), p->pinned_certificate);
        }
      if (p->allow_insecure_http)
        g_print ("  %s", _("(plain HTTP allowed)"));
      g_print ("\n");
    }
  return 0;
}

static int
tenant_remove (GFile      *file,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);
  g_autoptr(GAsyncResult) cleared = NULL;
  guint index;

  if (profiles == NULL)
    goto fail;
  if (!find_profile (profiles, id, &index))
    {
      g_printerr (_("provisioctl: no tenant “%s”\n"), id);
      return 1;
    }
  g_ptr_array_remove_index (profiles, index);
  if (!save_profiles (file, profiles, &error))
    goto fail;
  {
    g_autoptr(GAsyncResult) forgotten = NULL;

    pv_cache_forget_async (id, NULL, got_result_cb, &forgotten);
    if (!pv_cache_forget_finish (wait_for (&forgotten), &error))
      goto fail;
  }
  pv_credentials_clear_async (id, PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &cleared);
  if (!pv_credentials_clear_finish (wait_for (&cleared), &error))
    goto fail;
  g_print (_("Removed %s and its key from the keyring\n"), id);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

/* tenant rotate-key NAME: the new key goes to the keyring, never to the terminal. */
static int
tenant_rotate_key (GFile      *file,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRotatedKey) key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *expires_at = NULL;

  if (!(client = client_for (file, id, &error)))
    goto fail;
  pv_admin_key_rotate_async (id, client, NULL, got_result_cb, &result);
  if (!(key = pv_admin_key_rotate_finish (wait_for (&result), &error)))
    goto fail;

  expires_at = pv_time_format (key->expires_at);
  g_print (_("New admin API key %s… for %s, in the keyring; it expires %s.\n"), key->prefix, id, expires_at);
  g_print (_("The key it replaces (%s) retires once it is no longer used.\n"), key->replaces);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return g_error_matches (error, PV_ERROR, PV_ERROR_KEY_EXPIRED) ? 2 : 1;
}

int
run_tenant_add (GFile *file, char **args)
{
  return tenant_add (file, args[0], args[1]);
}

int
run_tenant_list (GFile *file, char **args)
{
  return tenant_list (file);
}

int
run_tenant_remove (GFile *file, char **args)
{
  return tenant_remove (file, args[0]);
}

int
run_tenant_rotate_key (GFile *file, char **args)
{
  return tenant_rotate_key (file, args[0]);
}
