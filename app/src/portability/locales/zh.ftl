PortArchiveTitle = 本机关数据包
PortArchiveExplain = 本机关在平台中的全部数据——机构、人员（不含密码）、网站、服务关系、报告及其文件、值班表、应急预案、演练、事件、重大变更告知、服务水平、服务退出及本机关审计记录——打包为一个 ZIP（JSON 文档与文件，附 SHA-256 校验清单）。其他平台可用 portal import-agency 导入。
PortArchiveDownload = 下载数据包
