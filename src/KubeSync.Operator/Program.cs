using KubeSync.Operator.Hosting;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

OperatorOptions options;
try
{
    options = OperatorOptions.FromEnvironment(Environment.GetEnvironmentVariables());
}
catch (OperatorOptionsException e)
{
    await Console.Error.WriteLineAsync($"kubesync-operator: config error: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(options.HttpAddress);
builder.Services.AddKubeSyncOperator(options);
var app = builder.Build();
app.MapOperatorEndpoints();
await app.RunAsync();
return Environment.ExitCode;
