#!/bin/sh
# 调解台 MediationDesk launcher. The application is a self-contained bundle (its own Python,
# Qt and fonts) in /opt/mediationdesk; the system libraries it uses are the package's Depends.
exec /opt/mediationdesk/mediationdesk "$@"
