using System.Runtime.Intrinsics.X86;

namespace KubeSync.Engine.Tests.Delta;

/// <summary>A theory that runs where the CPU has SSSE3 and is skipped elsewhere (an ARM machine), saying why.</summary>
public sealed class TheoryIfSsse3Attribute : TheoryAttribute
{
    public TheoryIfSsse3Attribute()
    {
        if (!Ssse3.IsSupported)
        {
            Skip = "SSSE3 is an x86 instruction set and this CPU lacks it; the scalar sums are what runs here";
        }
    }
}
