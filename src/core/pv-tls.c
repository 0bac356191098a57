/* pv-tls.c: certificate fingerprints, pinning, and when plain HTTP is allowed
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tls"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-tls.h"

/* A pin is the SHA-256 fingerprint of the tenant server's own certificate
 * (its DER encoding), written as `openssl x509 -fingerprint -sha256` does:
 * 32 upper-case hex pairs separated by colons.  It is public, like the
 * certificate. */

#define FINGERPRINT_LENGTH (32 * 3 - 1)

/**
 * pv_tls_fingerprint:
 *
 * Returns: (transfer full): the SHA-256 fingerprint of @certificate
 */
char *
pv_tls_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text = g_string_sized_new (FINGERPRINT_LENGTH + 1);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der != NULL)
    g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (text, FALSE);
}

/**
 * pv_tls_fingerprint_of_file:
 * @path: a PEM file: the tenant server's certificate first
 *
 * Returns: (transfer full): the fingerprint of the first certificate in @path
 */
char *
pv_tls_fingerprint_of_file (const char  *path,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *certificates = g_tls_certificate_list_new_from_file (path, &local_error);
  char *fingerprint;

  if (certificates == NULL)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("Cannot pin the certificate in %s: %s"), path,
                   local_error ? local_error->message : _("it holds no PEM certificate"));
      return NULL;
    }
  fingerprint = pv_tls_fingerprint (certificates->data);
  g_list_free_full (certificates, g_object_unref);
  return fingerprint;
}

/**
 * pv_tls_fingerprint_normalize:
 * @text: a SHA-256 fingerprint, hex, with or without colons, any case
 *
 * Returns: (transfer full) (nullable): @text as pv_tls_fingerprint() writes
 *   it, or %NULL if it is not a SHA-256 fingerprint
 */
char *
pv_tls_fingerprint_normalize (const char *text)
{
  GString *out;
  guint digits = 0;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (FINGERPRINT_LENGTH + 1);
  for (const char *p = text; *p; p++)
    {
      if (*p == ':')
        continue;
      if (!g_ascii_isxdigit (*p) || digits == 64)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (digits > 0 && digits % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (*p));
      digits++;
    }
  if (digits != 64)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * pv_tls_describe_errors:
 * @errors: why a certificate was not accepted
 * @host: (nullable): the host it was presented for
 *
 * Returns: (transfer full): the reasons, for "not trusted (…)"
 */
char *
pv_tls_describe_errors (GTlsCertificateFlags  errors,
                        const char           *host)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (reasons, g_strdup (_("it is self-signed or signed by an authority this computer does "
                                          "not trust; if it is the tenant’s own, pin it")));
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (reasons, g_strdup_printf (_("it was issued for another name than %s"), host ? host : "?"));
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (reasons, g_strdup (_("it is not valid yet")));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (reasons, g_strdup (_("it has expired")));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (reasons, g_strdup (_("it has been revoked")));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (reasons, g_strdup (_("it uses an insecure algorithm")));
  if (reasons->len == 0)
    g_ptr_array_add (reasons, g_strdup (_("it could not be checked")));
  g_ptr_array_add (reasons, NULL);
  return g_strjoinv ("; ", (char **) reasons->pdata);
}

/**
 * pv_tls_url_is_insecure:
 *
 * Returns: whether @url is plain HTTP to another computer: not to
 *   `localhost`, 127.0.0.0/8 or ::1
 */
gboolean
pv_tls_url_is_insecure (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return FALSE;
  address = g_inet_address_new_from_string (host);
  return address == NULL || !g_inet_address_get_is_loopback (address);
}

/* A GTlsDatabase that trusts one certificate, by its fingerprint, and
 * nothing else: not the system's authorities, whatever the name in it. */

#define PV_TYPE_PINNED_DATABASE (pv_pinned_database_get_type ())
G_DECLARE_FINAL_TYPE (PvPinnedDatabase, pv_pinned_database, PV, PINNED_DATABASE, GTlsDatabase)

struct _PvPinnedDatabase
{
  GTlsDatabase  parent_instance;
  char         *fingerprint;     /* immutable: read from handshake threads */
};

G_DEFINE_FINAL_TYPE (PvPinnedDatabase, pv_pinned_database, G_TYPE_TLS_DATABASE)

static void
pv_pinned_database_finalize (GObject *object)
{
  g_free (PV_PINNED_DATABASE (object)->fingerprint);
  G_OBJECT_CLASS (pv_pinned_database_parent_class)->finalize (object);
}

static GTlsCertificateFlags
pinned_verify_chain (GTlsDatabase             *database,
                     GTlsCertificate          *chain,
                     const char               *purpose,
                     GSocketConnectable       *identity,
                     GTlsInteraction          *interaction,
                     GTlsDatabaseVerifyFlags   flags,
                     GCancellable             *cancellable,
                     GError                  **error)
{
  PvPinnedDatabase *self = PV_PINNED_DATABASE (database);
  g_autofree char *fingerprint = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return G_TLS_CERTIFICATE_GENERIC_ERROR;
  fingerprint = pv_tls_fingerprint (chain);
  return g_str_equal (fingerprint, self->fingerprint) ? 0 : G_TLS_CERTIFICATE_UNKNOWN_CA;
}

static GTlsCertificate *
pinned_lookup_certificate_issuer (GTlsDatabase             *database,
                                  GTlsCertificate          *certificate,
                                  GTlsInteraction          *interaction,
                                  GTlsDatabaseLookupFlags   flags,
                                  GCancellable             *cancellable,
                                  GError                  **error)
{
  return NULL;
}

static GList *
pinned_lookup_certificates_issued_by (GTlsDatabase             *database,
                                      GByteArray               *issuer_raw_dn,
                                      GTlsInteraction          *interaction,
                                      GTlsDatabaseLookupFlags   flags,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  return NULL;
}

static char *
pinned_create_certificate_handle (GTlsDatabase    *database,
                                  GTlsCertificate *certificate)
{
  return NULL;
}

static GTlsCertificate *
pinned_lookup_certificate_for_handle (GTlsDatabase             *database,
                                      const char               *handle,
                                      GTlsInteraction          *interaction,
                                      GTlsDatabaseLookupFlags   flags,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  return NULL;
}

static void
pv_pinned_database_class_init (PvPinnedDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pv_pinned_database_finalize;
  database_class->verify_chain = pinned_verify_chain;
  database_class->lookup_certificate_issuer = pinned_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = pinned_lookup_certificates_issued_by;
  database_class->create_certificate_handle = pinned_create_certificate_handle;
  database_class->lookup_certificate_for_handle = pinned_lookup_certificate_for_handle;
}

static void
pv_pinned_database_init (PvPinnedDatabase *self)
{
}

/**
 * pv_tls_pinned_database_new:
 * @fingerprint: the SHA-256 fingerprint of the one certificate to trust
 *
 * The certificate matched exactly is accepted, self-signed or not and
 * whatever names it holds; any other is refused, even one the system
 * trusts.
 *
 * Returns: (transfer full): a database for pv_client_set_tls_database()
 */
GTlsDatabase *
pv_tls_pinned_database_new (const char *fingerprint)
{
  PvPinnedDatabase *self;
  char *normalized = pv_tls_fingerprint_normalize (fingerprint);

  g_return_val_if_fail (normalized != NULL, NULL);

  self = g_object_new (PV_TYPE_PINNED_DATABASE, NULL);
  self->fingerprint = normalized;
  return G_TLS_DATABASE (self);
}
