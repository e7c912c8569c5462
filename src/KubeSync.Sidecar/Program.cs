using KubeSync.Sidecar.Cli;

return await KubeSyncCli.Create().Parse(args).InvokeAsync();
