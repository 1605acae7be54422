module github.com/aftersales/aftersales/sdk

go 1.26
