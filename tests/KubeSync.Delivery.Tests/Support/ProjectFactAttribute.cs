namespace KubeSync.Delivery.Tests.Support;

/// <summary>A fact about a project of the solution; skipped while that project is not in this source tree.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProjectFactAttribute : FactAttribute
{
    public ProjectFactAttribute(string project)
    {
        if (!File.Exists(RepositoryLayout.Combine(project)))
        {
            Skip = $"{project} is not in this source tree";
        }
    }
}
