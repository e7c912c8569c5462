using System.Security.Cryptography;

namespace KubeSync.Engine.Security;

/// <summary>Object identifiers the group certificates use.</summary>
internal static class Oids
{
    public static Oid ServerAuthentication => new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    public static Oid ClientAuthentication => new("1.3.6.1.5.5.7.3.2", "Client Authentication");
}
