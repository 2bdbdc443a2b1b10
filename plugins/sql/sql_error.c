/* plugins/sql/sql_error.c — how a backend reports a failure, and the
 * loopback test behind the "tls: disable" warning. */
#include "sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

sql_status sql_error_set(sql_error *err, sql_status status, const char *sqlstate, int code, const char *fmt, ...)
{
    err->status = status;
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate ? sqlstate : "");
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* Servers' messages may carry DETAIL/HINT lines: a log line and an
     * error attribute are one line each. */
    char *nl = strpbrk(err->message, "\r\n");
    if (nl)
        *nl = '\0';
    return status;
}

bool sql_host_is_loopback(const char *host)
{
    if (!host || !*host || host[0] == '/')
        return true; /* no host, or a socket directory: a Unix socket */
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0)
        return true;
    return strncmp(host, "127.", 4) == 0;
}
